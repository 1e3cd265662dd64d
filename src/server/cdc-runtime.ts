import { createEntityCache } from '../cache/entity-cache.js';
import { createRedisConnection } from '../cache/redis-client.js';
import type { CdcConsumer, ConsumerTrace } from '../sync/cdc-consumer.js';
import { createCdcConsumer } from '../sync/cdc-consumer.js';
import { createKafka } from '../sync/kafka-client.js';
import { createChangePublisher, liveChannelOf } from '../live/change-publisher.js';
import { syncIndexMapping } from '../index/mapping-sync.js';
import { createSearchApplier } from '../sync/appliers/elasticsearch/search-applier.js';
import { createRedisApplier } from '../sync/appliers/redis.js';
import type { StoreApplier } from '../sync/store-applier.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * The consumer's writes have no fallback: an apply that times out is sent again, whole, to the same
 * busy Redis. The read path's short command timeout (REDIS_COMMAND_TIMEOUT_MS, there so reads fall
 * back to MySQL) turned every loaded moment into retries with backoff (F1: 42 retries in 20 s), so
 * the consumer writes through a connection of its own whose timeout only catches a Redis that
 * stopped answering. Its own connection also keeps its pipelines of hundreds of scripts from
 * queueing ahead of the readers' GETs when both run in one process.
 */
const CONSUMER_REDIS_COMMAND_TIMEOUT_MS = 10_000;

/**
 * The CDC consumer over the gateway's own clients, applying to every store the gateway serves from:
 * Redis and the Elasticsearch indices (ensureSearchIndices must have run). Each store applies in a
 * lane of its own, so Redis stays fresh while Elasticsearch works through a backlog; the group's
 * committed offsets follow the slower of the two.
 */
export function createCdcRuntime(services: GatewayServices, extraAppliers: readonly StoreApplier[] = [], trace?: ConsumerTrace): CdcConsumer {
  const { config, rows, metrics, logger, registry } = services;
  const search = services.syncSearch();
  const indexPrefix = config.elasticsearch.indexPrefix;
  let lastRedisErrorLog = 0;
  const redis = createRedisConnection({
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    commandTimeoutMs: Math.max(config.redis.commandTimeoutMs, CONSUMER_REDIS_COMMAND_TIMEOUT_MS),
    onError: (error) => {
      // An outage produces an error per reconnect attempt: one line a second is enough (the lane logs its retries).
      if (Date.now() - lastRedisErrorLog > 1_000) {
        lastRedisErrorLog = Date.now();
        logger.warn({ err: error.message }, 'redis unavailable to the cdc consumer');
      }
    },
  });
  const cache = createEntityCache({ redis, keyPrefix: config.redis.keyPrefix });
  // Subscriptions on every API instance hear of a change only once Redis, which they read, holds it.
  const publisher = createChangePublisher({ redis, channel: liveChannelOf(config.redis.keyPrefix), metrics, logger });
  const searchApplier: StoreApplier = {
    ...createSearchApplier({ client: search, rows, registry, indexPrefix, metrics, logger }),
    applySchemaChange: async (entity) => {
      await syncIndexMapping(search, indexPrefix, entity, logger);
    },
  };
  const consumer = createCdcConsumer({
    kafka: createKafka(config.kafka, logger),
    config: config.kafka,
    registry,
    appliers: [createRedisApplier({ cache, redis, keyPrefix: config.redis.keyPrefix, onApplied: (changes) => publisher.publish(changes) }), searchApplier, ...extraAppliers],
    rows,
    metrics,
    logger,
    ...(trace === undefined ? {} : { trace }),
  });
  return {
    ...consumer,
    async stop() {
      try {
        await consumer.stop();
      } finally {
        redis.disconnect();
      }
    },
  };
}

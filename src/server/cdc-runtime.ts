import type { CdcConsumer } from '../sync/cdc-consumer.js';
import { createCdcConsumer } from '../sync/cdc-consumer.js';
import { createKafka } from '../sync/kafka-client.js';
import { syncIndexMapping } from '../search/mapping-sync.js';
import { createSearchApplier } from '../search/search-applier.js';
import { createRedisApplier } from '../sync/redis-applier.js';
import type { StoreApplier } from '../sync/store-applier.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * The CDC consumer over the gateway's own clients, applying to every store the gateway serves from:
 * Redis and the Elasticsearch indices (ensureSearchIndices must have run). Each store applies in a
 * lane of its own, so Redis stays fresh while Elasticsearch works through a backlog; the group's
 * committed offsets follow the slower of the two.
 */
export function createCdcRuntime(services: GatewayServices, extraAppliers: readonly StoreApplier[] = []): CdcConsumer {
  const { config, cache, redis, rows, metrics, logger, registry, search } = services;
  const indexPrefix = config.elasticsearch.indexPrefix;
  const searchApplier: StoreApplier = {
    ...createSearchApplier({ client: search, rows, registry, indexPrefix, metrics, logger }),
    applySchemaChange: async (entity) => {
      await syncIndexMapping(search, indexPrefix, entity, logger);
    },
  };
  return createCdcConsumer({
    kafka: createKafka(config.kafka, logger),
    config: config.kafka,
    registry,
    appliers: [createRedisApplier({ cache, redis, keyPrefix: config.redis.keyPrefix }), searchApplier, ...extraAppliers],
    rows,
    metrics,
    logger,
  });
}

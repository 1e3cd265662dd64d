import { createEntityCache } from '../cache/entity-cache.js';
import type { CdcConsumer, ConsumerTrace } from '../sync/cdc-consumer.js';
import { createCdcConsumer } from '../sync/cdc-consumer.js';
import { createChangePublisher, liveChannelOf } from '../live/change-publisher.js';
import { syncIndexMapping } from '../index/mapping-sync.js';
import { createSearchApplier } from '../sync/appliers/elasticsearch/search-applier.js';
import { createRedisApplier } from '../sync/appliers/redis.js';
import type { TombstonePurge } from '../sync/appliers/elasticsearch/tombstone-purge.js';
import { scheduleTombstonePurge } from '../sync/appliers/elasticsearch/tombstone-purge.js';
import type { Admin } from 'kafkajs';
import { publishWatermarks } from '../cache/sync-watermarks.js';
import type { WatermarkProber } from '../sync/watermark-prober.js';
import { startWatermarkProber } from '../sync/watermark-prober.js';
import type { StoreApplier } from '../sync/store-applier.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * The CDC consumer over the gateway's own clients, applying to every store the gateway serves from:
 * Redis and the Elasticsearch indices (ensureSearchIndices must have run). Each store applies in a
 * lane of its own, so Redis stays fresh while Elasticsearch works through a backlog; the group's
 * committed offsets follow the slower of the two.
 */
export function createCdcRuntime(
  services: GatewayServices,
  extraAppliers: readonly StoreApplier[] = [],
  trace?: ConsumerTrace,
): CdcConsumer {
  const { config, rows, metrics, logger, registry } = services;
  const search = services.syncSearch();
  const indexPrefix = config.elasticsearch.indexPrefix;
  const redis = services.syncRedis();
  const cache = createEntityCache({ redis, keyPrefix: config.redis.keyPrefix });
  // Subscriptions on every API instance hear of a change only once Redis, which they read, holds it.
  const publisher = createChangePublisher({ redis, channel: liveChannelOf(config.redis.keyPrefix), metrics, logger });
  const elasticsearch = createSearchApplier({ client: search, rows, registry, indexPrefix, metrics, logger });
  const [documentsLane, embedsLane] = elasticsearch.lanes;
  // A new column reaches the mapping before the documents that carry it (the documents lane's order).
  const searchDocuments: StoreApplier = {
    ...documentsLane,
    applySchemaChange: async (entity) => {
      await syncIndexMapping(search, indexPrefix, entity, logger);
    },
  };
  const consumer = createCdcConsumer({
    kafka: services.kafka(),
    config: config.kafka,
    registry,
    appliers: [
      createRedisApplier({ cache, redis, keyPrefix: config.redis.keyPrefix, onApplied: (changes) => publisher.publish(changes) }),
      searchDocuments,
      embedsLane,
      ...extraAppliers,
    ],
    rows,
    metrics,
    logger,
    ...(trace === undefined ? {} : { trace }),
  });
  const { tombstoneRetentionMs, tombstonePurgeIntervalMs } = config.elasticsearch;
  let purge: TombstonePurge | null = null;
  let prober: WatermarkProber | null = null;
  let admin: Admin | null = null;
  return {
    ...consumer,
    async start() {
      await consumer.start();
      purge ??= scheduleTombstonePurge({
        purge: (olderThanMs) => elasticsearch.purgeTombstones(olderThanMs),
        retentionMs: tombstoneRetentionMs,
        intervalMs: tombstonePurgeIntervalMs,
        logger,
      });
      if (prober === null) {
        const probing = services.kafka().admin();
        await probing.connect();
        admin = probing;
        const watermarkProbeMs = config.kafka.watermarkProbeMs ?? 250;
        prober = startWatermarkProber({
          admin: probing,
          groupId: config.kafka.groupId,
          status: () => consumer.status(),
          // The hash outlives a few missed probes, not a stopped consumer.
          publish: (entries) => publishWatermarks(redis, config.redis.keyPrefix, entries, Math.max(10_000, 20 * watermarkProbeMs)),
          intervalMs: watermarkProbeMs,
          metrics,
          logger,
        });
      }
    },
    async stop() {
      await Promise.all([purge?.stop(), prober?.stop()]);
      purge = null;
      prober = null;
      await admin?.disconnect();
      admin = null;
      await consumer.stop();
    },
  };
}

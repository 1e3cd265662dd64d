import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import type { Pool } from 'mysql2/promise';
import type { CacheAsideReader } from '../cache/cache-aside.js';
import { createCacheAsideReader } from '../cache/cache-aside.js';
import type { EntityCache } from '../cache/entity-cache.js';
import { createEntityCache } from '../cache/entity-cache.js';
import type { RedisConnection } from '../cache/redis-client.js';
import { createRedisConnection } from '../cache/redis-client.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { createMysqlPool } from '../db/mysql-pool.js';
import type { RowSource } from '../db/row-source.js';
import { createRowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createMetrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import { createElasticsearchClient } from '../index/elasticsearch-client.js';
import { throttled } from '../observability/throttle.js';
import type { FreshnessReader } from '../cache/freshness-reader.js';
import { createFreshnessReader } from '../cache/freshness-reader.js';
import { createKafka } from '../sync/kafka-client.js';
import type { Kafka } from 'kafkajs';

/**
 * Every long-lived client, created in one place and handed down explicitly. Nothing else opens
 * connections, so shutdown closes exactly what was opened.
 */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly registry: EntityRegistry;
  readonly pool: Pool;
  readonly redis: RedisConnection;
  readonly cache: EntityCache;
  readonly rows: RowSource;
  readonly reader: CacheAsideReader;
  readonly search: ElasticsearchClient;
  /** The consumers' watermarks (published to Redis by whichever process consumes): the API's staleness bounds. */
  readonly freshness: FreshnessReader;
  /**
   * For reindex and backfill: the same cluster with a long request timeout. A bulk page or a refresh
   * on a busy node may take far longer than the API's search timeout allows, and undici fixes the
   * timeout per connection, so it needs connections of its own. Opened on first use.
   */
  maintenanceSearch(): ElasticsearchClient;
  /**
   * For the CDC consumer's writes: a bulk of a thousand documents on a busy node can outlast the API's
   * timeout, and a timed-out bulk is sent again while the node still works on the first one, doubling
   * its work exactly when it is short of it. Timed like `search`. Opened on first use.
   */
  syncSearch(): ElasticsearchClient;
  /** For reindex and backfill: the same pool with a long statement timeout (as maintenanceSearch). */
  maintenanceRows(): RowSource;
  /**
   * For the CDC consumer's writes to Redis. They have no fallback: an apply that times out is sent
   * again, whole, to the same busy Redis, so the read path's short command timeout (there so reads
   * fall back to MySQL) turned every loaded moment into retries (F1: 42 retries in 20 s). Its own
   * connection also keeps its pipelines of hundreds of scripts from queueing ahead of the readers'
   * GETs. Opened on first use.
   */
  syncRedis(): RedisConnection;
  /** The Kafka client (the consumer, the check's lag reads); it connects nothing until used. */
  kafka(): Kafka;
  close(): Promise<void>;
}

/**
 * Every Elasticsearch request of the process (search resolvers, the applier, readiness) is timed
 * from the client's own request/response events, so no caller has to remember to measure.
 */
const MAINTENANCE_TIMEOUT_MS = 120_000;
const SYNC_TIMEOUT_MS = 30_000;
/** Only catches a Redis that stopped answering (see syncRedis). */
const CONSUMER_REDIS_COMMAND_TIMEOUT_MS = 10_000;

function timeSearchRequests(search: ElasticsearchClient, metrics: Metrics): void {
  const started = new Map<unknown, { at: number; endpoint: string }>();
  search.diagnostic.on('request', (_error, event) => {
    const id: unknown = event?.meta.request.id;
    const path = event?.meta.request.params.path ?? '';
    // `/gw-products/_search` → `_search`, `/_cluster/health` → `_cluster`: never an index or a
    // document id, so the label set stays small.
    const endpoint =
      path
        .split('/')
        .filter((part) => part.startsWith('_'))
        .join('/') ||
      (event?.meta.request.params.method ?? 'request');
    if (started.size > 10_000) started.clear();
    started.set(id, { at: performance.now(), endpoint });
  });
  search.diagnostic.on('response', (_error, event) => {
    const id: unknown = event?.meta.request.id;
    const start = started.get(id);
    if (start === undefined) return;
    started.delete(id);
    metrics.observeSearch(start.endpoint, performance.now() - start.at);
  });
}

export function createGatewayServices(config: GatewayConfig, logger: Logger, registry: EntityRegistry): GatewayServices {
  const metrics = createMetrics({ processMetrics: true });
  const pool = createMysqlPool({
    url: config.mysql.url,
    poolSize: config.mysql.poolSize,
    connectTimeoutMs: config.mysql.connectTimeoutMs,
    tls: config.mysql.tls,
  });
  const redisWarning = (message: string) => throttled(1_000, (error: Error) => logger.warn({ err: error.message }, message));
  const openRedis = (commandTimeoutMs: number, onError: (error: Error) => void) =>
    createRedisConnection({
      url: config.redis.url,
      clusterNodes: config.redis.clusterNodes,
      commandTimeoutMs,
      security: config.redis,
      onError,
    });
  const redis = openRedis(config.redis.commandTimeoutMs, redisWarning('redis unavailable; reads go to the database'));
  const cache = createEntityCache({ redis, keyPrefix: config.redis.keyPrefix });
  const rows = createRowSource({ pool, metrics, queryTimeoutMs: config.mysql.queryTimeoutMs });
  const reader = createCacheAsideReader({ cache, rows, metrics });
  // Read at most every 100 ms for the whole process; an entry unwritten for 5 s counts as not caught up.
  const freshness = createFreshnessReader({ redis, keyPrefix: config.redis.keyPrefix, memoMs: 100, staleAfterMs: 5_000 });
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: config.elasticsearch.requestTimeoutMs });
  timeSearchRequests(search, metrics);
  let maintenance: ElasticsearchClient | null = null;
  let sync: ElasticsearchClient | null = null;
  let syncRedisConnection: RedisConnection | null = null;
  let kafka: Kafka | null = null;
  let maintenanceRowSource: RowSource | null = null;
  return {
    config,
    logger,
    metrics,
    registry,
    pool,
    redis,
    cache,
    rows,
    reader,
    search,
    freshness,
    maintenanceSearch() {
      maintenance ??= createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: MAINTENANCE_TIMEOUT_MS });
      return maintenance;
    },
    syncSearch() {
      if (sync === null) {
        sync = createElasticsearchClient({
          url: config.elasticsearch.url,
          requestTimeoutMs: Math.max(config.elasticsearch.requestTimeoutMs, SYNC_TIMEOUT_MS),
        });
        timeSearchRequests(sync, metrics);
      }
      return sync;
    },
    maintenanceRows() {
      maintenanceRowSource ??= createRowSource({ pool, metrics, queryTimeoutMs: MAINTENANCE_TIMEOUT_MS });
      return maintenanceRowSource;
    },
    syncRedis() {
      syncRedisConnection ??= openRedis(
        Math.max(config.redis.commandTimeoutMs, CONSUMER_REDIS_COMMAND_TIMEOUT_MS),
        redisWarning('redis unavailable to the cdc consumer'),
      );
      return syncRedisConnection;
    },
    kafka() {
      kafka ??= createKafka(config.kafka, logger);
      return kafka;
    },
    async close() {
      redis.disconnect();
      syncRedisConnection?.disconnect();
      await Promise.all([pool.end(), search.close(), maintenance?.close(), sync?.close()]);
    },
  };
}

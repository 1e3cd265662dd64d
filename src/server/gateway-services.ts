import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { CacheAsideReader } from '../cache/cache-aside.js';
import { createCacheAsideReader } from '../cache/cache-aside.js';
import type { EntityCache } from '../cache/entity-cache.js';
import { createEntityCache } from '../cache/entity-cache.js';
import { createRedisClient } from '../cache/redis-client.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { createMysqlPool } from '../db/mysql-pool.js';
import type { RowSource } from '../db/row-source.js';
import { createRowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createMetrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import { createElasticsearchClient } from '../search/elasticsearch-client.js';

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
  readonly redis: Redis;
  readonly cache: EntityCache;
  readonly rows: RowSource;
  readonly reader: CacheAsideReader;
  readonly search: ElasticsearchClient;
  close(): Promise<void>;
}

export function createGatewayServices(config: GatewayConfig, logger: Logger, registry: EntityRegistry): GatewayServices {
  const metrics = createMetrics();
  const pool = createMysqlPool({ url: config.mysql.url, poolSize: config.mysql.poolSize, connectTimeoutMs: config.mysql.connectTimeoutMs });
  let lastRedisErrorLog = 0;
  const redis = createRedisClient({
    url: config.redis.url,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    onError: (error) => {
      // A Redis outage produces an error per reconnect attempt: log at most one line a second.
      if (Date.now() - lastRedisErrorLog > 1_000) {
        lastRedisErrorLog = Date.now();
        logger.warn({ err: error.message }, 'redis unavailable; reads go to the database');
      }
    },
  });
  const cache = createEntityCache({ redis, keyPrefix: config.redis.keyPrefix });
  const rows = createRowSource({ pool, metrics });
  const reader = createCacheAsideReader({ cache, rows, metrics });
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: config.elasticsearch.requestTimeoutMs });
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
    async close() {
      redis.disconnect();
      await Promise.all([pool.end(), search.close()]);
    },
  };
}

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { createCacheAsideReader } from '../../src/cache/cache-aside.js';
import { createEntityCache } from '../../src/cache/entity-cache.js';
import type { RedisConnection } from '../../src/cache/redis-client.js';
import { createRedisConnection, scanKeys, waitForRedis } from '../../src/cache/redis-client.js';
import type { GatewayConfig } from '../../src/config/gateway-config.js';
import { loadStackConfig } from '../../src/config/stack-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { repoRoot } from '../../src/repo-root.js';
import { buildShopSchema } from '../../src/resolvers/build-schema.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import type { GatewayApi } from '../../src/server/gateway-api.js';
import { startGatewayApi } from '../../src/server/gateway-api.js';
import type { GatewayServices } from '../../src/server/gateway-services.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { ensureRedisCluster } from '../../src/stack/services/redis-cluster.js';
import type { GraphQLResponse } from './gateway-harness.js';
import { testConfig } from './gateway-harness.js';

/** Where the test cluster lives: REDIS_CLUSTER_PORTS (default 7001-7003), data under the stack dir. */
export function testClusterSettings(): { dir: string; ports: number[] } {
  const ports = (process.env.REDIS_CLUSTER_PORTS ?? '7001,7002,7003').split(',').map((port) => Number(port.trim()));
  return { dir: join(loadStackConfig(process.env, repoRoot()).root, 'redis-cluster'), ports };
}

/** Starts (or reuses) the 3-master test cluster; returns its nodes as host:port. */
export async function startTestCluster(): Promise<string[]> {
  const { nodes } = await ensureRedisCluster({ ...testClusterSettings(), log: (line) => console.log(line) });
  return nodes;
}

export async function connectToCluster(nodes: readonly string[]): Promise<RedisConnection> {
  const redis = createRedisConnection({ url: 'redis://unused', clusterNodes: nodes, commandTimeoutMs: 2_000 });
  await waitForRedis(redis, 10_000);
  return redis;
}

/**
 * Deletes the keys starting with `prefix` on every node. One UNLINK per key: a multi-key UNLINK
 * must stay in one slot on a cluster.
 */
export async function deleteKeysWithPrefix(redis: RedisConnection, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of scanKeys(redis, `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 1000)) {
    const counts = await Promise.all(keys.map((key) => redis.unlink(key)));
    deleted += counts.reduce((sum, count) => sum + count, 0);
  }
  return deleted;
}

export interface ClusterGateway {
  readonly config: GatewayConfig;
  readonly services: GatewayServices;
  readonly cluster: RedisConnection;
  readonly api: GatewayApi;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

let schema: Promise<GraphQLSchema> | undefined;

/**
 * A real gateway in-process whose every Redis use (cache, rate limiter, readiness) goes to the
 * cluster. gateway-services.ts still builds a single-server client; until it builds its client
 * with createRedisConnection, this swaps the cluster in (the one cast below).
 */
export async function startClusterGateway(
  nodes: readonly string[],
  options: { env?: Record<string, string>; keyPrefix?: string } = {},
): Promise<ClusterGateway> {
  const keyPrefix = options.keyPrefix ?? `itc:${randomBytes(4).toString('hex')}:`;
  const config = testConfig({ REDIS_KEY_PREFIX: keyPrefix, REDIS_CLUSTER_NODES: nodes.join(','), ...options.env });
  const base = createGatewayServices(config, silentLogger, createShopRegistry());
  base.redis.disconnect();
  const cluster = await connectToCluster(nodes);
  const cache = createEntityCache({ redis: cluster, keyPrefix });
  const services: GatewayServices = {
    ...base,
    redis: cluster,
    cache,
    reader: createCacheAsideReader({ cache, rows: base.rows, metrics: base.metrics }),
    async close() {
      cluster.disconnect();
      await base.close();
    },
  };
  schema ??= buildShopSchema();
  const api = await startGatewayApi(await schema, services, { host: '127.0.0.1', port: 0, batching: true });
  return {
    config,
    services,
    cluster,
    api,
    async query(query, variables, headers = {}) {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) as GraphQLResponse['body'] };
    },
    async close() {
      await api.stop();
      await deleteKeysWithPrefix(cluster, keyPrefix).catch(() => undefined);
      await services.close();
    },
  };
}

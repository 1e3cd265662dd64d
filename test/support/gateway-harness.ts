import { randomBytes } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from '../../src/config/gateway-config.js';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { buildShopSchema } from '../../src/resolvers/build-schema.js';
import type { EntityRegistry } from '../../src/schema/entity-registry.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import type { GatewayApi } from '../../src/server/gateway-api.js';
import { startGatewayApi } from '../../src/server/gateway-api.js';
import type { GatewayServices } from '../../src/server/gateway-services.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { ensureSearchIndices } from '../../src/server/startup-checks.js';
import { deleteKeysWithPrefix } from './redis-cluster.js';
import { deleteIndicesWithPrefix } from './search-cleanup.js';

export interface GraphQLResponse {
  readonly status: number;
  readonly text: string;
  readonly body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

export interface GatewayHarness {
  readonly config: GatewayConfig;
  readonly services: GatewayServices;
  readonly api: GatewayApi;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  /** Deletes this harness's cache entries (and only those). */
  clearCache(): Promise<void>;
  close(): Promise<void>;
}

let shopSchema: Promise<GraphQLSchema> | undefined;

/** The test's configuration: the stack's addresses (from the environment npm test sets) and overrides. */
export function testConfig(overrides: Record<string, string> = {}): GatewayConfig {
  return loadGatewayConfig({ ...process.env, ...overrides });
}

/**
 * A real gateway in-process on a free port, over the real MariaDB and Redis, with a Redis key prefix
 * of its own so tests never see each other's cache entries.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    batching?: boolean;
    registry?: EntityRegistry;
    schema?: GraphQLSchema;
    searchIndices?: boolean;
  } = {},
): Promise<GatewayHarness> {
  const unique = randomBytes(4).toString('hex');
  const config = testConfig({ REDIS_KEY_PREFIX: `it:${unique}:`, ELASTICSEARCH_INDEX_PREFIX: `it-${unique}-`, ...options.env });
  const services = createGatewayServices(config, silentLogger, options.registry ?? createShopRegistry());
  shopSchema ??= buildShopSchema();
  const schema = options.schema ?? (await shopSchema);
  if (options.searchIndices ?? true) await ensureSearchIndices(services);
  const api = await startGatewayApi(schema, services, { host: '127.0.0.1', port: 0, batching: options.batching ?? true });
  const clearCache = async () => {
    await deleteKeysWithPrefix(services.redis, config.redis.keyPrefix);
  };
  return {
    config,
    services,
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
    clearCache,
    async close() {
      await clearCache().catch(() => undefined);
      await deleteIndicesWithPrefix(services.search, config.elasticsearch.indexPrefix).catch(() => undefined);
      await api.stop();
      await services.close();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { GatewayConfig } from '../../../src/config/gateway-config.js';
import type { Logger } from '../../../src/observability/logger.js';
import { createLogger, silentLogger } from '../../../src/observability/logger.js';
import { buildShopSchema } from '../../../src/resolvers/build-schema.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import type { GatewayApi } from '../../../src/server/gateway-api.js';
import { startGatewayApi } from '../../../src/server/gateway-api.js';
import type { GatewayServices } from '../../../src/server/gateway-services.js';
import { createGatewayServices } from '../../../src/server/gateway-services.js';
import type { ConsumerStatus } from '../../../src/sync/cdc-consumer.js';
import type { GraphQLResponse } from '../../support/gateway-harness.js';
import { testConfig } from '../../support/gateway-harness.js';
import { deleteKeysWithPrefix } from '../../support/redis-cluster.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';

/**
 * A real gateway in-process, like startHarness, with what the operations tests need on top: a
 * logger of their choice, an injected consumer status, and raw HTTP access (status, headers).
 */
export interface OpsGateway {
  readonly config: GatewayConfig;
  readonly services: GatewayServices;
  readonly api: GatewayApi;
  /** http://127.0.0.1:port */
  readonly origin: string;
  query(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse & { headers: Headers }>;
  close(): Promise<void>;
}

let schema: ReturnType<typeof buildShopSchema> | undefined;

export async function startOpsGateway(
  options: { env?: Record<string, string>; logger?: Logger; consumerStatus?: () => ConsumerStatus } = {},
): Promise<OpsGateway> {
  const unique = randomBytes(4).toString('hex');
  const config = testConfig({ REDIS_KEY_PREFIX: `it:${unique}:`, ELASTICSEARCH_INDEX_PREFIX: `it-${unique}-`, ...options.env });
  const services = createGatewayServices(config, options.logger ?? silentLogger, createShopRegistry());
  schema ??= buildShopSchema();
  const api = await startGatewayApi(await schema, services, {
    host: '127.0.0.1',
    port: 0,
    ...(options.consumerStatus === undefined ? {} : { consumerStatus: options.consumerStatus }),
  });
  return {
    config,
    services,
    api,
    origin: api.url.replace(/\/graphql$/, ''),
    async query(query, variables, headers = {}) {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) as GraphQLResponse['body'], headers: response.headers };
    },
    async close() {
      await deleteKeysWithPrefix(services.redis, config.redis.keyPrefix).catch(() => undefined);
      await deleteIndicesWithPrefix(services.search, config.elasticsearch.indexPrefix).catch(() => undefined);
      await api.stop();
      await services.close();
    },
  };
}

/** A logger whose JSON lines the test reads back. */
export function capturedLogger(level: 'debug' | 'info' | 'warn' = 'info'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

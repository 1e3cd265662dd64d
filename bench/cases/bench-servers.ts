import { entryCacheKey } from '../../src/cache/cache-entry.js';
import type { BenchContext } from '../bench-context.js';
import { benchScript } from '../bench-context.js';
import type { BenchChild } from '../child-process.js';
import { startChild } from '../child-process.js';
import { connectRedis } from '../redis-keys.js';
import type { GatewayServerReady } from '../servers/gateway-server.js';
import type { F1GatewayReady } from '../workers/f1-gateway.js';

export type GatewayChild = BenchChild<GatewayServerReady>;

export interface GatewayOptions {
  /** Suffix of this gateway's Redis key prefix; gateways sharing it share cached rows. */
  readonly cacheName: string;
  readonly flags?: readonly string[];
  readonly env?: Record<string, string>;
  readonly execArgv?: readonly string[];
  /** MYSQL_URL; the bench database by default. */
  readonly mysqlUrl: string;
}

export function cachePrefix(context: BenchContext, cacheName: string): string {
  return `${context.names.redisPrefix}${cacheName}:`;
}

/** A bench gateway process (stopped at clean-up if the caller did not stop it). */
export async function startGateway(context: BenchContext, name: string, options: GatewayOptions): Promise<GatewayChild> {
  const child = await startChild<GatewayServerReady>(benchScript('servers/gateway-server.js'), {
    name,
    forwardStderr: context.options.verbose,
    args: options.flags ?? [],
    execArgv: options.execArgv ?? [],
    env: context.childEnv({
      MYSQL_URL: options.mysqlUrl,
      REDIS_KEY_PREFIX: cachePrefix(context, options.cacheName),
      ELASTICSEARCH_INDEX_PREFIX: context.names.indexPrefix,
      KAFKA_GROUP_ID: `${context.names.groupPrefix}-${name}`,
      ...options.env,
    }),
  });
  context.onCleanup(`gateway ${name}`, () => child.stop());
  return child;
}

export interface F1Gateways {
  /** The process answering GraphQL. */
  readonly apiUrl: string;
  /** The process running the consumer (the same as the API's in-process). */
  readonly consumer: BenchChild<F1GatewayReady>;
  readonly all: readonly BenchChild<F1GatewayReady>[];
  stopAll(): Promise<void>;
}

export interface F1GatewayOptions {
  readonly cacheName: string;
  readonly mysqlUrl: string;
  /** Products ids whose changes the consumer traces through its stages. */
  readonly watchedIds: readonly [number, number];
  readonly env: Record<string, string>;
  readonly consumerExecArgv: readonly string[];
}

/**
 * F1's gateway: `split` is the production layout the README recommends (a `--sync-only` consumer
 * process beside an `--api-only` one, sharing Redis), `in-process` one process doing both.
 */
export async function startF1Gateways(
  context: BenchContext,
  topology: 'split' | 'in-process',
  options: F1GatewayOptions,
): Promise<F1Gateways> {
  const env = context.childEnv({
    MYSQL_URL: options.mysqlUrl,
    REDIS_KEY_PREFIX: cachePrefix(context, options.cacheName),
    ELASTICSEARCH_INDEX_PREFIX: context.names.indexPrefix,
    ...options.env,
  });
  const watch = ['--consumer', options.watchedIds.join(':')];
  const start = (name: string, args: readonly string[], execArgv: readonly string[]) =>
    startChild<F1GatewayReady>(benchScript('workers/f1-gateway.js'), { name, args, execArgv, env, forwardStderr: context.options.verbose });
  const children: BenchChild<F1GatewayReady>[] = [];
  let stopped: Promise<void> | null = null;
  const stopAll = () => (stopped ??= Promise.all(children.map((child) => child.stop())).then(() => undefined));
  context.onCleanup('F1 gateways', stopAll);
  if (topology === 'in-process') {
    const both = await start('API + consumer', ['--api', ...watch], options.consumerExecArgv);
    children.push(both);
    return { apiUrl: both.ready.url ?? '', consumer: both, all: children, stopAll };
  }
  const consumer = await start('consumer', watch, options.consumerExecArgv);
  children.push(consumer);
  const api = await start('API', ['--api'], []);
  children.push(api);
  return { apiUrl: api.ready.url ?? '', consumer, all: children, stopAll };
}

/** B0 (no I/O) or B1 (one Redis GET of the row `cacheName` holds). */
export async function startBaseline(context: BenchContext, mode: 'b0' | 'b1', cacheName: string): Promise<BenchChild<{ url: string }>> {
  const child = await startChild<{ url: string }>(benchScript('servers/baseline-server.js'), {
    name: mode.toUpperCase(),
    forwardStderr: context.options.verbose,
    args: [mode],
    env: context.childEnv({ REDIS_KEY_PREFIX: cachePrefix(context, cacheName) }),
  });
  context.onCleanup(`baseline ${mode}`, () => child.stop());
  return child;
}

/** The load generator process, shared by every HTTP case of the run. */
export async function startLoadGenerator(context: BenchContext): Promise<BenchChild<unknown>> {
  const child = await startChild<unknown>(benchScript('workers/load-worker.js'), { name: 'load generator' });
  context.onCleanup('load generator', () => child.stop());
  return child;
}

/**
 * Fills a gateway's cache with every product through its own read path (`products(ids:)`, 100 ids
 * a request): the entries are the read path's lease-guarded fills, as in production.
 */
export async function warmProductCache(url: string, size: number, concurrency = 8): Promise<void> {
  const query = 'query Warm($ids: [ID!]!) { products(ids: $ids) { id } }';
  let next = 1;
  const worker = async () => {
    while (next <= size) {
      const from = next;
      next += 100;
      const ids = Array.from({ length: Math.min(100, size - from + 1) }, (_, index) => String(from + index));
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { ids } }),
      });
      const body = (await response.json()) as { data?: { products?: unknown[] }; errors?: unknown };
      if (body.errors !== undefined || body.data?.products?.length !== ids.length)
        throw new Error(`warming the cache failed at id ${from}: ${JSON.stringify(body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Makes sure the shared 'rows' cache holds every product (G1, B1 and P1 read it): when a sample of
 * keys is missing (the read-path cases did not run), a temporary gateway warms it.
 */
export async function ensureProductCacheWarm(context: BenchContext, mysqlUrl: string, size: number): Promise<void> {
  const redis = await connectRedis(context.config.redis.url);
  try {
    const sample = Array.from({ length: 200 }, () =>
      entryCacheKey(cachePrefix(context, 'rows'), 'products', 1 + Math.floor(Math.random() * size)),
    );
    if ((await redis.mget(sample)).every((value) => value !== null)) return;
  } finally {
    redis.disconnect();
  }
  const gateway = await startGateway(context, 'warm', { cacheName: 'rows', mysqlUrl });
  try {
    context.log(`warming the cache with ${size} products through the gateway's read path`);
    const began = performance.now();
    await warmProductCache(gateway.ready.url, size);
    context.log(`  warm in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await gateway.stop();
  }
}

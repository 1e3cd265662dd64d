import type { BenchContext } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import { usersWithOrders } from '../bench-database.js';
import type { BenchChild } from '../child-process.js';
import { connectRedis, deleteKeysWithPrefix } from '../redis-keys.js';
import { PRODUCT_CARD_QUERY } from '../servers/product-card.js';
import { median } from '../stats.js';
import type { GatewayChild } from './bench-servers.js';
import { cachePrefix, startBaseline, startGateway, warmProductCache } from './bench-servers.js';
import type { CaseResult, HttpCase, RoundSettings, ServerUsage } from './http-rounds.js';
import { runInterleaved } from './http-rounds.js';

export const PRODUCT_LIST_QUERY = 'query List($ids: [ID!]!) { products(ids: $ids) { id sku name brand price stock status } }';
/** `first` is a literal, like most clients' page sizes (a variable is costed at the value sent). */
export const nestedQuery = (first: number) =>
  `query Nested($id: ID!) { user(id: $id) { id name orders(first: ${first}) { nodes { id total items { quantity product { id name price } } } } } }`;

export interface MemoryFigures {
  readonly afterStartRssBytes: number;
  /** After the cache is warm and the process has sat idle for a moment. */
  readonly idleRssBytes: number;
  readonly underLoadPeakRssBytes: number | null;
}

export interface StatementCounts {
  /** List length (orders per user) → SQL statements per request. */
  readonly batched: Readonly<Record<string, number>>;
  readonly unbatched: Readonly<Record<string, number>>;
}

export interface ReadPathResults {
  readonly throughput: readonly CaseResult[];
  readonly memory: MemoryFigures | null;
  readonly lists: readonly CaseResult[];
  readonly nested: { readonly statements: StatementCounts; readonly load: readonly CaseResult[] } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function settingsOf(context: BenchContext): RoundSettings {
  const { rounds, durationSeconds, warmupSeconds, connections } = context.options;
  return { rounds, durationSeconds, warmupSeconds, connections };
}

/** B0, B1, G1, G2 (and M1 from G1's process), then G3, then G4. */
export async function runReadPathCases(
  context: BenchContext,
  database: BenchDatabase,
  load: BenchChild<unknown>,
): Promise<ReadPathResults> {
  const selected = context.options.cases;
  const settings = settingsOf(context);
  const size = database.size;
  const cached = await startGateway(context, 'g1', { cacheName: 'rows', mysqlUrl: database.readerUrl });
  const afterStart = await cached.request<ServerUsage>('usage');
  context.log(`warming the cache with ${size} products through the gateway's read path`);
  const warmStarted = performance.now();
  await warmProductCache(cached.ready.url, size);
  context.log(`  warm in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s`);
  // Idle means settled: give the collector a moment after the warm-up's garbage.
  await sleep(2_000);
  const idle = await cached.request<ServerUsage>('usage');

  const card = { query: PRODUCT_CARD_QUERY, variables: { id: { kind: 'random-id', min: 1, max: size } } } as const;
  const cases: HttpCase[] = [];
  const stopAfter: BenchChild<unknown>[] = [];
  if (selected.has('B0')) {
    const b0 = await startBaseline(context, 'b0', 'rows');
    stopAfter.push(b0);
    cases.push({ id: 'B0', label: 'node:http, same JSON body, no I/O', server: b0, ...card });
  }
  if (selected.has('B1') || selected.has('G1')) {
    const b1 = await startBaseline(context, 'b1', 'rows');
    stopAfter.push(b1);
    cases.push({ id: 'B1', label: 'node:http + one ioredis GET of the cached row', server: b1, ...card });
  }
  if (selected.has('G1') || selected.has('M1')) {
    cases.push({ id: 'G1', label: 'GraphQL product(id), every read a cache hit', server: cached, sampleMemory: true, ...card });
  }
  if (selected.has('G2') || selected.has('G1')) {
    const uncached = await startGateway(context, 'g2', { cacheName: 'unused', mysqlUrl: database.readerUrl, flags: ['--no-cache'] });
    stopAfter.push(uncached);
    cases.push({ id: 'G2', label: 'GraphQL product(id), cache off (MySQL only)', server: uncached, ...card });
  }
  context.log(`throughput: ${cases.map((testCase) => testCase.id).join(', ')}`);
  const throughput = cases.length === 0 ? [] : await runInterleaved(load, cases, settings, context.log);
  await Promise.all(stopAfter.map((child) => child.stop()));
  const g1 = throughput.find((result) => result.id === 'G1');
  const memory: MemoryFigures = {
    afterStartRssBytes: afterStart.rssBytes,
    idleRssBytes: idle.rssBytes,
    underLoadPeakRssBytes: g1?.median.peakRssBytes ?? null,
  };

  const lists = selected.has('G3') ? await runListCases(context, database, cached, load, settings) : [];
  await cached.stop();
  const nested = selected.has('G4') ? await runNestedCases(context, database, load, settings) : null;
  return { throughput, memory, lists, nested };
}

/** G3: 100 ids a request, all hits (the warm cache) vs all misses (a cold cache, one pass over the ids per round). */
async function runListCases(
  context: BenchContext,
  database: BenchDatabase,
  cached: GatewayChild,
  load: BenchChild<unknown>,
  settings: RoundSettings,
): Promise<CaseResult[]> {
  const cold = await startGateway(context, 'g3-miss', { cacheName: 'cold', mysqlUrl: database.readerUrl });
  const redis = await connectRedis(context.config.redis.url);
  try {
    const passes = Math.min(1_000, Math.floor(database.size / 100));
    const cases: HttpCase[] = [
      {
        id: 'G3 hits',
        label: 'products(ids:) × 100, all cache hits',
        server: cached,
        query: PRODUCT_LIST_QUERY,
        variables: { ids: { kind: 'random-ids', count: 100, min: 1, max: database.size } },
      },
      {
        id: 'G3 misses',
        label: `products(ids:) × 100, all cache misses (${passes} requests over ${passes * 100} cold ids a round)`,
        server: cold,
        query: PRODUCT_LIST_QUERY,
        variables: { ids: { kind: 'id-windows', count: 100, min: 1, max: passes * 100 } },
        amount: passes,
        beforeRound: async () => {
          await deleteKeysWithPrefix(redis, cachePrefix(context, 'cold'));
        },
      },
    ];
    context.log('lists: G3 hits, G3 misses');
    return await runInterleaved(load, cases, settings, context.log);
  } finally {
    redis.disconnect();
    await cold.stop();
  }
}

/** G4: statements per request at two list lengths, with and without batching, then load at the longer one. */
async function runNestedCases(
  context: BenchContext,
  database: BenchDatabase,
  load: BenchChild<unknown>,
  settings: RoundSettings,
): Promise<{ statements: StatementCounts; load: CaseResult[] }> {
  const longList = 5;
  const users = await usersWithOrders(database.readerUrl, longList, 500);
  if (users.length === 0) throw new Error(`G4 needs users with at least ${longList} orders in ${database.name}`);
  const headers = { 'x-api-key': context.names.apiKey };
  const batched = await startGateway(context, 'g4-batched', { cacheName: 'unused', mysqlUrl: database.readerUrl, flags: ['--no-cache'] });
  const unbatched = await startGateway(context, 'g4-unbatched', {
    cacheName: 'unused',
    mysqlUrl: database.readerUrl,
    flags: ['--no-cache', '--no-batching'],
  });
  try {
    const statements: StatementCounts = {
      batched: await statementsPerRequest(batched, users.slice(0, 20), [1, longList], headers),
      unbatched: await statementsPerRequest(unbatched, users.slice(0, 20), [1, longList], headers),
    };
    context.log(`nested: statements per request ${JSON.stringify(statements)}`);
    const variables = { id: { kind: 'pick', values: users } } as const;
    const query = nestedQuery(longList);
    const cases: HttpCase[] = [
      {
        id: 'G4 batched',
        label: `user → ${longList} orders → items → product, batched loaders (cache off)`,
        server: batched,
        query,
        variables,
        headers,
      },
      { id: 'G4 unbatched', label: `the same without batching (cache off)`, server: unbatched, query, variables, headers },
    ];
    return { statements, load: await runInterleaved(load, cases, settings, context.log) };
  } finally {
    await Promise.all([batched.stop(), unbatched.stop()]);
  }
}

/** Median SQL statements per request, per list length, measured one request at a time from the gateway's counters. */
async function statementsPerRequest(
  gateway: GatewayChild,
  users: readonly string[],
  lengths: readonly number[],
  headers: Record<string, string>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const first of lengths) {
    const perRequest: number[] = [];
    for (const id of users) {
      const before = await gateway.request<ServerUsage>('usage');
      const response = await fetch(gateway.ready.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: nestedQuery(first), variables: { id } }),
      });
      const text = await response.text();
      if (!response.ok || text.includes('"errors"')) throw new Error(`G4 query failed: ${text.slice(0, 300)}`);
      const after = await gateway.request<ServerUsage>('usage');
      perRequest.push((after.counters?.['sql_queries'] ?? 0) - (before.counters?.['sql_queries'] ?? 0));
    }
    counts[String(first)] = median(perRequest);
  }
  return counts;
}

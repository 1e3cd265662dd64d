import { buildShopSchema } from '../../src/resolvers/build-schema.js';
import { createElasticsearchClient } from '../../src/index/elasticsearch-client.js';
import type { BenchContext } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import type { BenchChild } from '../child-process.js';
import { startGateway } from './bench-servers.js';
import type { CaseResult, HttpCase } from './http-rounds.js';
import { runInterleaved } from './http-rounds.js';
import type { SearchIndexFill } from './search-index.js';
import { ensureSearchIndex } from './search-index.js';
import type { SearchOperation } from './search-queries.js';
import { elasticsearchQueryBody, searchOperation, searchTerms } from './search-queries.js';
import type { RecordedSearch } from './search-recorder.js';
import { startSearchRecorder } from './search-recorder.js';
import { createJsonPoster } from '../http-post.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';

export interface SearchResults {
  readonly index: SearchIndexFill;
  /** S1 through GraphQL, or null with the reason in `note`. */
  readonly gateway: CaseResult | null;
  readonly operation: string | null;
  readonly note: string | null;
  /** The resolver's own Elasticsearch requests replayed directly: Elasticsearch's share of S1. */
  readonly elasticsearchShare: CaseResult | null;
  /** A plain multi_match sent straight to Elasticsearch: what the engine does for the simplest search. */
  readonly elasticsearch: CaseResult;
}

/**
 * One pass over the search terms through a gateway whose Elasticsearch is a recording proxy:
 * yields the exact `_search` requests the resolver makes, for the replay case.
 */
async function recordResolverSearches(
  context: BenchContext,
  database: BenchDatabase,
  env: Record<string, string>,
  headers: Record<string, string>,
  operation: SearchOperation,
  terms: readonly string[],
): Promise<RecordedSearch[]> {
  const recorder = await startSearchRecorder(context.config.elasticsearch.url);
  const gateway = await startGateway(context, 's1-recording', {
    cacheName: 'rows',
    mysqlUrl: database.readerUrl,
    env: { ...env, ELASTICSEARCH_URL: recorder.url },
  });
  const poster = createJsonPoster(4, headers);
  try {
    for (const term of terms)
      await poster.post(gateway.ready.url, { query: operation.query, variables: { [operation.termVariable]: term } });
    return [...recorder.recorded];
  } finally {
    poster.close();
    await gateway.stop();
    await recorder.close();
  }
}

/** S1: searchProducts over the bench catalogue, beside the same query sent to Elasticsearch directly. */
export async function runSearchCase(context: BenchContext, database: BenchDatabase, load: BenchChild<unknown>): Promise<SearchResults> {
  const index = await ensureSearchIndex(context, database);
  if (!context.options.keepData) {
    context.onCleanup(`search index ${index.alias}`, async () => {
      const client = createElasticsearchClient({ url: context.config.elasticsearch.url, requestTimeoutMs: 30_000 });
      await deleteIndicesWithPrefix(client, context.names.searchIndexPrefix).finally(() => client.close());
    });
  }
  const terms = searchTerms();
  const { rounds, durationSeconds, warmupSeconds, searchConnections } = context.options;
  const settings = { rounds, durationSeconds, warmupSeconds, connections: searchConnections };
  const cases: HttpCase[] = [];
  const operation = searchOperation(await buildShopSchema());
  let note: string | null = null;
  let gateway: BenchChild<{ url: string }> | null = null;
  if ('missing' in operation) {
    note = `S1 through GraphQL not measured: ${operation.missing}`;
    context.log(`  ${note}`);
  } else {
    const env = { ELASTICSEARCH_INDEX_PREFIX: index.prefix };
    const headers = { 'x-api-key': context.names.apiKey };
    const recorded = await recordResolverSearches(context, database, env, headers, operation, terms);
    gateway = await startGateway(context, 's1', { cacheName: 'rows', mysqlUrl: database.readerUrl, flags: ['--search'], env });
    cases.push({
      id: 'S1',
      label: `searchProducts over ${database.size} products`,
      server: gateway,
      query: operation.query,
      variables: { [operation.termVariable]: { kind: 'pick', values: terms } },
      headers,
    });
    const path = recorded[0]?.path;
    if (path !== undefined) {
      cases.push({
        id: 'S1 ES share',
        label: "the resolver's own Elasticsearch requests (recorded), replayed straight to Elasticsearch",
        server: { url: `${context.config.elasticsearch.url}${path}` },
        protocol: 'json',
        query: '',
        variables: { body: { kind: 'pick', values: recorded.filter((search) => search.path === path).map((search) => search.body) } },
      });
    }
  }
  cases.push({
    id: 'S1 floor',
    label: 'a plain top-20 multi_match straight to Elasticsearch (no facets, highlights or fuzziness)',
    server: { url: `${context.config.elasticsearch.url}/${index.alias}/_search` },
    protocol: 'json',
    query: '',
    variables: { body: { kind: 'pick', values: terms.map(elasticsearchQueryBody) } },
  });
  try {
    const results = await runInterleaved(load, cases, settings, context.log);
    const floor = results.find((result) => result.id === 'S1 floor');
    if (floor === undefined) throw new Error('S1 floor did not run');
    return {
      index,
      gateway: results.find((result) => result.id === 'S1') ?? null,
      elasticsearchShare: results.find((result) => result.id === 'S1 ES share') ?? null,
      operation: 'missing' in operation ? null : operation.query,
      note,
      elasticsearch: floor,
    };
  } finally {
    await gateway?.stop();
  }
}

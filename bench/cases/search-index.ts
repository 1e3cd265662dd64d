import { createHash } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { productEntity } from '../../src/schema/product.type.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import { SEARCH_MAPPING_VERSION, searchAlias } from '../../src/index/index-manager.js';
import { liveDocumentsFilter } from '../../src/index/search-documents.js';
import { createSearchApplier } from '../../src/sync/appliers/elasticsearch/search-applier.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { ensureSearchIndices } from '../../src/server/startup-checks.js';
import type { EntityChange } from '../../src/sync/store-applier.js';
import type { BenchContext } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';

export interface SearchIndexFill {
  /** ELASTICSEARCH_INDEX_PREFIX of the index (names.searchIndexPrefix + a fingerprint of the mapping code). */
  readonly prefix: string;
  readonly alias: string;
  readonly documents: number;
  readonly filled: boolean;
  readonly fillSeconds: number;
}

async function liveDocuments(client: Client, alias: string): Promise<number> {
  try {
    return (await client.count({ index: alias, query: liveDocumentsFilter })).count;
  } catch {
    return -1;
  }
}

/**
 * What the documents depend on: the products mapping, the document builder and the mapping version.
 * Part of the index name, so an index built by older code is never reused.
 */
function mappingFingerprint(): string {
  const search = productEntity.search;
  // The builder's source text stands for its behaviour: any edit makes a new index.
  const toDocument: unknown = search === undefined ? undefined : Reflect.get(search, 'toDocument');
  const builder = typeof toDocument === 'function' ? Function.prototype.toString.call(toDocument) : '';
  const source = JSON.stringify({ properties: search?.properties, embeds: search?.embeds, version: SEARCH_MAPPING_VERSION }) + builder;
  return createHash('sha256').update(source).digest('hex').slice(0, 10);
}

/**
 * S1's index: every bench product indexed through the gateway's own search applier (documents with
 * their category embedded, as the CDC path writes them). An index of the right size built by the
 * same mapping code in an earlier run is reused; older ones are dropped.
 */
export async function ensureSearchIndex(context: BenchContext, database: BenchDatabase): Promise<SearchIndexFill> {
  const prefix = `${context.names.searchIndexPrefix}${mappingFingerprint()}-`;
  const config = loadGatewayConfig({
    ...context.childEnv({}),
    MYSQL_URL: database.readerUrl,
    ELASTICSEARCH_INDEX_PREFIX: prefix,
    REDIS_KEY_PREFIX: context.names.redisPrefix,
  });
  const registry = createShopRegistry();
  const services = createGatewayServices(config, silentLogger, registry);
  if (productEntity.search === undefined) throw new Error('products are not searchable: S1 has no index to search');
  const alias = searchAlias(prefix, productEntity.search);
  try {
    if ((await liveDocuments(services.search, alias)) === database.size) {
      context.log(`search index ${alias} already holds ${database.size} products: reused`);
      return { prefix, alias, documents: database.size, filled: false, fillSeconds: 0 };
    }
    await deleteIndicesWithPrefix(services.search, context.names.searchIndexPrefix);
    await ensureSearchIndices(services);
    context.log(`indexing ${database.size} products into ${alias} through the search applier`);
    const began = performance.now();
    const applier = createSearchApplier({ client: services.search, rows: services.rows, registry, indexPrefix: prefix });
    const chunk = 1_000;
    let next = 1;
    const worker = async () => {
      while (next <= database.size) {
        const from = next;
        next += chunk;
        const ids = Array.from({ length: Math.min(chunk, database.size - from + 1) }, (_, index) => String(from + index));
        const rows = await services.rows.selectByIds(productEntity, ids);
        const changes: EntityChange[] = [...rows].map(([id, row]) => ({
          entity: productEntity,
          id,
          change: {
            kind: 'row',
            format: 'debezium',
            database: database.name,
            table: 'products',
            op: 'read',
            key: { id: row['id'] ?? null },
            after: row,
            before: null,
            version: 1n,
            committedAtMs: Date.now(),
            needsReread: false,
          },
        }));
        await applier.apply({ changes, truncates: [] });
      }
    };
    await Promise.all([worker(), worker()]);
    await services.search.indices.refresh({ index: alias });
    const documents = await liveDocuments(services.search, alias);
    const fillSeconds = (performance.now() - began) / 1000;
    context.log(`  indexed ${documents} documents in ${fillSeconds.toFixed(1)} s`);
    return { prefix, alias, documents, filled: true, fillSeconds };
  } finally {
    await services.close();
  }
}

import DataLoader from 'dataloader';
import type { CacheAsideReader } from '../cache/cache-aside.js';
import type { ChildPage, RowSource } from '../db/row-source.js';
import type { CacheTally, RequestFreshness } from '../observability/request-scope.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { rowIdOf } from '../schema/entity.js';
import type { Row } from '../rows/row.js';

interface ChildKey {
  readonly parentId: string;
  readonly first: number;
  readonly after: string | null;
}

/**
 * The loaders of one request (never shared between requests, so one client's batch never waits on
 * another's). Every entity gets one DataLoader: all `load(id)` calls of one tick become one
 * cache-aside batch (one MGET, one SELECT for the misses). Relation lists are batched per
 * (entity, foreign key, order) into one windowed SELECT for all parents.
 */
export interface RequestLoaders {
  row(entity: EntityDeclaration, id: string): Promise<Row | null>;
  rows(entity: EntityDeclaration, ids: readonly string[]): Promise<(Row | null)[]>;
  children(entity: EntityDeclaration, foreignKey: string, order: 'asc' | 'desc', key: ChildKey): Promise<ChildPage>;
  /** The ids of the next `first` rows after `after` in key order (one key-range scan of MySQL). */
  keyPage(entity: EntityDeclaration, after: string | null, first: number): Promise<ChildPage>;
}

export interface LoaderDependencies {
  readonly reader: CacheAsideReader;
  readonly rows: RowSource;
  /** Off only to measure what batching saves (tests, benchmarks). */
  readonly batching: boolean;
  /** The request's cache hits and misses (its freshness extension); the reader adds to it. */
  readonly cacheTally?: CacheTally;
  /** The stores this request read from; with `bypassCache`, entity reads skip Redis (a staleness bound it cannot meet). */
  readonly freshness?: RequestFreshness;
}

const MAX_BATCH = 500;

export function createRequestLoaders(dependencies: LoaderDependencies): RequestLoaders {
  const { reader, rows, batching, cacheTally, freshness } = dependencies;

  async function loadRows(entity: EntityDeclaration, ids: readonly string[]): Promise<(Row | null)[]> {
    if (freshness === undefined) return reader.loadMany(entity, ids, cacheTally);
    if (freshness.bypassCache) {
      freshness.touched.add('mysql');
      const found = await rows.selectByIds(entity, ids);
      return ids.map((id) => found.get(id) ?? null);
    }
    const tally = { hits: 0, misses: 0 };
    const loaded = await reader.loadMany(entity, ids, tally);
    if (tally.hits > 0) freshness.touched.add('redis');
    if (tally.misses > 0) freshness.touched.add('mysql');
    if (cacheTally !== undefined) {
      cacheTally.hits += tally.hits;
      cacheTally.misses += tally.misses;
    }
    return loaded;
  }
  const entityLoaders = new Map<string, DataLoader<string, Row | null>>();
  const childLoaders = new Map<string, DataLoader<ChildKey, ChildPage, string>>();

  function entityLoader(entity: EntityDeclaration): DataLoader<string, Row | null> {
    let loader = entityLoaders.get(entity.table);
    if (loader === undefined) {
      loader = new DataLoader((ids: readonly string[]) => loadRows(entity, ids), { batch: batching, maxBatchSize: MAX_BATCH });
      entityLoaders.set(entity.table, loader);
    }
    return loader;
  }

  function childLoader(entity: EntityDeclaration, foreignKey: string, order: 'asc' | 'desc'): DataLoader<ChildKey, ChildPage, string> {
    const name = `${entity.table}.${foreignKey}.${order}`;
    let loader = childLoaders.get(name);
    if (loader === undefined) {
      loader = new DataLoader<ChildKey, ChildPage, string>(
        async (keys) => {
          // Parents asking for the same page shape share one statement.
          const groups = new Map<string, ChildKey[]>();
          for (const key of keys) {
            const shape = `${key.first}|${key.after ?? ''}`;
            groups.set(shape, [...(groups.get(shape) ?? []), key]);
          }
          const pages = new Map<string, ChildPage>();
          await Promise.all(
            [...groups.values()].map(async (group) => {
              const head = group[0] as ChildKey;
              const found = await rows.selectChildIds(
                entity,
                foreignKey,
                group.map((key) => key.parentId),
                { first: head.first, after: head.after, order },
              );
              for (const key of group) pages.set(childKeyOf(key), found.get(key.parentId) ?? { ids: [], hasNextPage: false });
            }),
          );
          return keys.map((key) => pages.get(childKeyOf(key)) ?? { ids: [], hasNextPage: false });
        },
        { batch: batching, maxBatchSize: MAX_BATCH, cacheKeyFn: childKeyOf },
      );
      childLoaders.set(name, loader);
    }
    return loader;
  }

  return {
    row: (entity, id) => entityLoader(entity).load(id),
    rows: async (entity, ids) => {
      const results = await entityLoader(entity).loadMany(ids);
      return results.map((result) => {
        if (result instanceof Error) throw result;
        return result;
      });
    },
    children: (entity, foreignKey, order, key) => childLoader(entity, foreignKey, order).load(key),
    async keyPage(entity, after, first) {
      freshness?.touched.add('mysql');
      // The rows themselves are then read through the entity loader, like every other read.
      const scanned = await rows.selectRange(entity, after, first + 1);
      return { ids: scanned.slice(0, first).map((row) => rowIdOf(row, entity)), hasNextPage: scanned.length > first };
    },
  };
}

function childKeyOf(key: ChildKey): string {
  return `${key.parentId}|${key.first}|${key.after ?? ''}`;
}

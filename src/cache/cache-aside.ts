import type { RowSource } from '../db/row-source.js';
import type { Metrics } from '../observability/metrics.js';
import type { CacheTally } from '../observability/request-scope.js';
import type { EntityDeclaration } from '../schema/entity.js';
import type { Row } from '../rows/row.js';
import type { CacheLookup } from './cache-entry.js';
import type { EntityCache, LeaseOutcome } from './entity-cache.js';

/**
 * Cache-aside reads: Redis first (one MGET), the database for the misses (one SELECT), and a
 * lease-guarded fill so a concurrent CDC change always wins over the row this reader loaded (see
 * docs/cache-protocol.md). Misses for the same row from concurrent requests in this process share
 * one database read. When Redis fails or is slow, reads go to the database and the bypass is counted.
 */
export interface CacheAsideReader {
  /** `tally`, when given, counts this call's hits (remembered absences included) and misses for its request. */
  loadMany(entity: EntityDeclaration, ids: readonly string[], tally?: CacheTally): Promise<(Row | null)[]>;
}

export interface CacheAsideDependencies {
  readonly cache: EntityCache;
  readonly rows: RowSource;
  readonly metrics: Metrics;
  readonly onCacheError?: (error: unknown) => void;
}

export function createCacheAsideReader(dependencies: CacheAsideDependencies): CacheAsideReader {
  const { cache, rows, metrics } = dependencies;
  /** Database reads in flight, per `table:id`, shared across requests. */
  const inFlight = new Map<string, Promise<Row | null>>();

  function cacheFailed(entity: EntityDeclaration, error: unknown, count: number): void {
    metrics.increment('cache_bypasses', { entity: entity.table }, count);
    dependencies.onCacheError?.(error);
  }

  async function loadAndFill(entity: EntityDeclaration, ids: readonly string[], useCache: boolean): Promise<Map<string, Row | null>> {
    const resolved = new Map<string, Row | null>();
    let leases: LeaseOutcome[] | null = null;
    if (useCache) {
      try {
        leases = await cache.acquireLeases(entity, ids);
      } catch (error) {
        cacheFailed(entity, error, ids.length);
      }
    }
    const toRead: string[] = [];
    ids.forEach((id, index) => {
      const lease = leases?.[index];
      // A value written between our MGET and the lease attempt is newer than anything we could read.
      if (lease?.kind === 'value' && lease.lookup.state !== 'miss') {
        resolved.set(id, lease.lookup.state === 'hit' ? lease.lookup.row : null);
      } else {
        if (lease?.kind === 'busy') metrics.increment('cache_leases_busy', { entity: entity.table });
        toRead.push(id);
      }
    });
    const found = await rows.selectByIds(entity, toRead);
    const fills = [];
    for (const id of toRead) {
      const row = found.get(id) ?? null;
      resolved.set(id, row);
      const lease = leases?.[ids.indexOf(id)];
      if (lease?.kind === 'lease') fills.push({ id, token: lease.token, row });
    }
    if (fills.length > 0) {
      try {
        const { stored, rejected } = await cache.fill(entity, fills);
        metrics.increment('cache_fills', { entity: entity.table }, stored);
        if (rejected > 0) metrics.increment('cache_fills_rejected', { entity: entity.table }, rejected);
      } catch (error) {
        cacheFailed(entity, error, 0);
      }
    }
    return resolved;
  }

  function readThrough(entity: EntityDeclaration, ids: readonly string[], useCache: boolean): Promise<Row | null>[] {
    const fresh = ids.filter((id) => !inFlight.has(`${entity.table}:${id}`));
    if (fresh.length > 0) {
      const batch = loadAndFill(entity, fresh, useCache);
      for (const id of fresh) {
        const key = `${entity.table}:${id}`;
        const promise = batch.then((resolved) => resolved.get(id) ?? null);
        inFlight.set(key, promise);
        // Cleanup must not turn a rejection into an unhandled one; callers see the rejection below.
        promise.then(
          () => inFlight.delete(key),
          () => inFlight.delete(key),
        );
      }
    }
    return ids.map((id) => inFlight.get(`${entity.table}:${id}`) ?? Promise.resolve(null));
  }

  return {
    async loadMany(entity, ids, tally) {
      let lookups: CacheLookup[] | null = null;
      try {
        lookups = await cache.lookup(entity, ids);
      } catch (error) {
        cacheFailed(entity, error, ids.length);
      }
      const results: (Row | null)[] = new Array<Row | null>(ids.length).fill(null);
      const missing: number[] = [];
      ids.forEach((_, index) => {
        const lookup = lookups?.[index];
        if (lookup?.state === 'hit') results[index] = lookup.row;
        else if (lookup?.state === 'known-missing') metrics.increment('cache_negative_hits', { entity: entity.table });
        else missing.push(index);
      });
      const hits = ids.length - missing.length;
      if (lookups !== null && hits > 0) {
        metrics.increment('cache_hits', { entity: entity.table }, hits);
        if (tally !== undefined) tally.hits += hits;
      }
      if (missing.length === 0) return results;
      if (lookups !== null) {
        metrics.increment('cache_misses', { entity: entity.table }, missing.length);
        if (tally !== undefined) tally.misses += missing.length;
      }
      const missingIds = missing.map((index) => ids[index] ?? '');
      const loaded = await Promise.all(readThrough(entity, missingIds, lookups !== null));
      missing.forEach((index, position) => (results[index] = loaded[position] ?? null));
      return results;
    },
  };
}

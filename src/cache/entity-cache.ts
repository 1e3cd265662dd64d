import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EntityDeclaration } from '../schema/entity.js';
import type { Row } from '../sync/change.js';
import type { CacheLookup } from './cache-entry.js';
import { decodeEntry, entryCacheKey } from './cache-entry.js';

export type LeaseOutcome =
  | { readonly kind: 'lease'; readonly token: string }
  | { readonly kind: 'busy' }
  | { readonly kind: 'value'; readonly lookup: CacheLookup };

export interface CacheFill {
  readonly id: string;
  readonly token: string;
  /** null caches "no such row" for the entity's negative TTL. */
  readonly row: Row | null;
}

export interface CacheChange {
  readonly id: string;
  /** 19-digit version (formatVersion). */
  readonly version: string;
  readonly kind: 'write' | 'invalidate' | 'delete';
  readonly row: Row | null;
}

/** Row-level cache operations over Redis, generic over entity declarations. */
export interface EntityCache {
  readonly keyOf: (entity: EntityDeclaration, id: string) => string;
  /** One MGET for the whole batch, results in id order. */
  lookup(entity: EntityDeclaration, ids: readonly string[]): Promise<CacheLookup[]>;
  acquireLeases(entity: EntityDeclaration, ids: readonly string[]): Promise<LeaseOutcome[]>;
  /** Returns how many fills were stored; the rest lost their lease to a concurrent change. */
  fill(entity: EntityDeclaration, fills: readonly CacheFill[]): Promise<{ stored: number; rejected: number }>;
  /** Version-guarded CDC writes in one pipeline; returns how many were applied (the rest were stale). */
  applyChanges(entity: EntityDeclaration, changes: readonly CacheChange[]): Promise<{ applied: number; stale: number }>;
  /** Repair: entries become invalidations at their own version (see invalidateKeepingVersionScript). */
  invalidate(entity: EntityDeclaration, ids: readonly string[]): Promise<number>;
}

export interface EntityCacheOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** How long a reader may hold a lease: longer than any database read should take. */
  readonly leaseTtlMs?: number;
  /** How long tombstones and invalidation markers remember a version. */
  readonly tombstoneTtlSeconds?: number;
  readonly random?: () => number;
}

function pipelineResults(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('redis pipeline returned no results');
  return results.map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const { redis, keyPrefix } = options;
  const leaseTtlMs = options.leaseTtlMs ?? 5_000;
  const tombstoneTtlMs = (options.tombstoneTtlSeconds ?? 7 * 24 * 3600) * 1000;
  const random = options.random ?? Math.random;
  const tokenPrefix = randomBytes(6).toString('base64url');
  let tokenCounter = 0;
  const keyOf = (entity: EntityDeclaration, id: string) => entryCacheKey(keyPrefix, entity.table, id);
  const rowTtlMs = (entity: EntityDeclaration) =>
    Math.round((entity.cache.ttlSeconds + random() * entity.cache.jitterSeconds) * 1000);

  return {
    keyOf,

    async lookup(entity, ids) {
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map((id) => keyOf(entity, id)));
      return values.map((value) => decodeEntry(value));
    },

    async acquireLeases(entity, ids) {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      const tokens = ids.map(() => `${tokenPrefix}${(tokenCounter += 1).toString(36)}`);
      ids.forEach((id, index) => pipeline.gwAcquireLease(keyOf(entity, id), tokens[index] ?? '', leaseTtlMs));
      const results = pipelineResults(await pipeline.exec());
      return results.map((result, index): LeaseOutcome => {
        if (result === 'OK') return { kind: 'lease', token: tokens[index] ?? '' };
        if (result === 'BUSY') return { kind: 'busy' };
        return { kind: 'value', lookup: decodeEntry(String(result)) };
      });
    },

    async fill(entity, fills) {
      if (fills.length === 0) return { stored: 0, rejected: 0 };
      const pipeline = redis.pipeline();
      for (const fill of fills) {
        const negative = fill.row === null;
        pipeline.gwFill(
          keyOf(entity, fill.id),
          fill.token,
          negative ? 'N' : 'F',
          negative ? '' : JSON.stringify(fill.row),
          negative ? entity.cache.negativeTtlSeconds * 1000 : rowTtlMs(entity),
        );
      }
      const stored = pipelineResults(await pipeline.exec()).filter((result) => result === 1).length;
      return { stored, rejected: fills.length - stored };
    },

    async applyChanges(entity, changes) {
      if (changes.length === 0) return { applied: 0, stale: 0 };
      const pipeline = redis.pipeline();
      for (const change of changes) {
        const kind = change.kind === 'delete' ? 'D' : change.kind === 'invalidate' || change.row === null ? 'I' : 'R';
        pipeline.gwApplyChange(
          keyOf(entity, change.id),
          change.version,
          kind,
          kind === 'R' ? JSON.stringify(change.row) : '',
          kind === 'R' ? rowTtlMs(entity) : tombstoneTtlMs,
        );
      }
      const applied = pipelineResults(await pipeline.exec()).filter((result) => result === 1).length;
      return { applied, stale: changes.length - applied };
    },

    async invalidate(entity, ids) {
      if (ids.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.gwInvalidateKeepingVersion(keyOf(entity, id), tombstoneTtlMs);
      return pipelineResults(await pipeline.exec()).filter((result) => result === 1).length;
    },
  };
}

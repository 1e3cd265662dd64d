import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Cluster } from 'ioredis';
import type { EntityDeclaration } from '../schema/entity.js';
import type { Row } from '../rows/row.js';
import type { CacheLookup } from './cache-entry.js';
import { decodeEntry, entryCacheKey } from './cache-entry.js';
import type { RedisConnection } from './redis-client.js';
import { isRedisCluster } from './redis-client.js';

export type LeaseOutcome =
  { readonly kind: 'lease'; readonly token: string } | { readonly kind: 'busy' } | { readonly kind: 'value'; readonly lookup: CacheLookup };

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
  /** One MGET for the whole batch (on a cluster: one pipeline of GETs per master), results in id order. */
  lookup(entity: EntityDeclaration, ids: readonly string[]): Promise<CacheLookup[]>;
  acquireLeases(entity: EntityDeclaration, ids: readonly string[]): Promise<LeaseOutcome[]>;
  /** Returns how many fills were stored; the rest lost their lease to a concurrent change. */
  fill(entity: EntityDeclaration, fills: readonly CacheFill[]): Promise<{ stored: number; rejected: number }>;
  /**
   * Version-guarded CDC writes in one pipeline; returns how many were applied (the rest were stale)
   * and which: live change events are published for exactly those.
   */
  applyChanges(
    entity: EntityDeclaration,
    changes: readonly CacheChange[],
  ): Promise<{ applied: number; stale: number; appliedIds: readonly string[] }>;
  /** Repair: entries become invalidations at their own version (see invalidateKeepingVersionScript). */
  invalidate(entity: EntityDeclaration, ids: readonly string[]): Promise<number>;
}

export interface EntityCacheOptions {
  readonly redis: RedisConnection;
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

/**
 * Sends one single-key command per item in one round trip per node and returns the replies in
 * item order. A single server gets one explicit pipeline. A cluster pipeline must stay on one node,
 * and the keys of a batch are spread over every master on purpose (no hash tags, see
 * docs/cache-protocol.md), so there the commands are issued together and the client's
 * auto-pipelining groups them per master.
 */
async function sendEach(
  redis: RedisConnection,
  count: number,
  send: (target: ChainableCommander | Cluster, index: number) => unknown,
): Promise<unknown[]> {
  if (isRedisCluster(redis)) return Promise.all(Array.from({ length: count }, (_, index) => send(redis, index)));
  const pipeline = redis.pipeline();
  for (let index = 0; index < count; index += 1) send(pipeline, index);
  return pipelineResults(await pipeline.exec());
}

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const { redis, keyPrefix } = options;
  const leaseTtlMs = options.leaseTtlMs ?? 5_000;
  const tombstoneTtlMs = (options.tombstoneTtlSeconds ?? 7 * 24 * 3600) * 1000;
  const random = options.random ?? Math.random;
  const tokenPrefix = randomBytes(6).toString('base64url');
  let tokenCounter = 0;
  const keyOf = (entity: EntityDeclaration, id: string) => entryCacheKey(keyPrefix, entity.table, id);
  const rowTtlMs = (entity: EntityDeclaration) => Math.round((entity.cache.ttlSeconds + random() * entity.cache.jitterSeconds) * 1000);

  return {
    keyOf,

    async lookup(entity, ids) {
      if (ids.length === 0) return [];
      const keys = ids.map((id) => keyOf(entity, id));
      // MGET needs every key in one slot on a cluster, which rows spread by design never are.
      const values = isRedisCluster(redis) ? await Promise.all(keys.map((key) => redis.get(key))) : await redis.mget(keys);
      return values.map((value) => decodeEntry(value));
    },

    async acquireLeases(entity, ids) {
      if (ids.length === 0) return [];
      const tokens = ids.map(() => `${tokenPrefix}${(tokenCounter += 1).toString(36)}`);
      const results = await sendEach(redis, ids.length, (target, index) =>
        target.gwAcquireLease(keyOf(entity, ids[index] ?? ''), tokens[index] ?? '', leaseTtlMs),
      );
      return results.map((result, index): LeaseOutcome => {
        if (result === 'OK') return { kind: 'lease', token: tokens[index] ?? '' };
        if (result === 'BUSY') return { kind: 'busy' };
        return { kind: 'value', lookup: decodeEntry(String(result)) };
      });
    },

    async fill(entity, fills) {
      if (fills.length === 0) return { stored: 0, rejected: 0 };
      const results = await sendEach(redis, fills.length, (target, index) => {
        const fill = fills[index] as CacheFill;
        const negative = fill.row === null;
        return target.gwFill(
          keyOf(entity, fill.id),
          fill.token,
          negative ? 'N' : 'F',
          negative ? '' : JSON.stringify(fill.row),
          negative ? entity.cache.negativeTtlSeconds * 1000 : rowTtlMs(entity),
        );
      });
      const stored = results.filter((result) => result === 1).length;
      return { stored, rejected: fills.length - stored };
    },

    async applyChanges(entity, changes) {
      if (changes.length === 0) return { applied: 0, stale: 0, appliedIds: [] };
      const results = await sendEach(redis, changes.length, (target, index) => {
        const change = changes[index] as CacheChange;
        const kind = change.kind === 'delete' ? 'D' : change.kind === 'invalidate' || change.row === null ? 'I' : 'R';
        return target.gwApplyChange(
          keyOf(entity, change.id),
          change.version,
          kind,
          kind === 'R' ? JSON.stringify(change.row) : '',
          kind === 'R' ? rowTtlMs(entity) : tombstoneTtlMs,
        );
      });
      const appliedIds = changes.flatMap((change, index) => (results[index] === 1 ? [change.id] : []));
      return { applied: appliedIds.length, stale: changes.length - appliedIds.length, appliedIds };
    },

    async invalidate(entity, ids) {
      if (ids.length === 0) return 0;
      const results = await sendEach(redis, ids.length, (target, index) =>
        target.gwInvalidateKeepingVersion(keyOf(entity, ids[index] ?? ''), tombstoneTtlMs),
      );
      return results.filter((result) => result === 1).length;
    },
  };
}

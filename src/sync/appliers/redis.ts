import type { CacheChange, EntityCache } from '../../cache/entity-cache.js';
import type { RedisConnection } from '../../cache/redis-client.js';
import { scanKeys } from '../../cache/redis-client.js';
import { GatewayError, errorMessage } from '../../errors.js';
import type { EntityDeclaration } from '../../schema/entity.js';
import { isRowIdOf } from '../../schema/entity.js';
import type { Row } from '../../rows/row.js';
import { formatVersion } from '../../rows/row-version.js';
import type { ApplyBatch, ApplyOutcome, EntityChange, StoreApplier, TableTruncate } from '../store-applier.js';

export interface RedisApplierOptions {
  readonly cache: EntityCache;
  /** Only for SCAN on truncate; every write goes through the cache's version-guarded script. */
  readonly redis: RedisConnection;
  /** The same prefix the EntityCache was built with. */
  readonly keyPrefix: string;
  /** Keys asked for per SCAN step (a hint to Redis, not a limit). */
  readonly scanCount?: number;
  /**
   * Called after Redis acknowledged a batch, with the row changes it applied (stale ones left out),
   * before the lane moves on: live change events go out from here, so a subscriber that refetches
   * never reads older data than its event, and a replayed change (stale) is never announced again.
   * Resolves, never rejects (a lost event must not make the lane re-apply what Redis already has).
   */
  readonly onApplied?: (changes: readonly EntityChange[]) => Promise<void>;
}

/**
 * Keeps the Redis cache current. Every write is the cache's version-guarded applyChanges, so
 * replays, late events and redeliveries are harmless; deletes leave versioned tombstones so a late
 * update cannot resurrect a row. Row changes go before truncates: a truncate then tombstones every
 * key of its table that exists, including rows this batch just wrote with older versions, while
 * rows written after the truncate (newer versions) keep their newer state.
 */
export function createRedisApplier(options: RedisApplierOptions): StoreApplier {
  const { cache, redis, keyPrefix } = options;
  const scanCount = options.scanCount ?? 1000;

  async function applyRowChanges(changes: readonly EntityChange[]): Promise<ApplyOutcome & { appliedChanges: EntityChange[] }> {
    const byEntity = new Map<EntityDeclaration, CacheChange[]>();
    for (const item of changes) {
      const list = byEntity.get(item.entity) ?? [];
      list.push(toCacheChange(item));
      byEntity.set(item.entity, list);
    }
    const entities = [...byEntity];
    const outcomes = await Promise.all(entities.map(([entity, list]) => cache.applyChanges(entity, list)));
    const applied = new Map(entities.map(([entity], index) => [entity, new Set(outcomes[index]?.appliedIds ?? [])]));
    // A batch holds each row at most once, so (entity, id) names the change Redis applied.
    const appliedChanges = changes.filter((item) => applied.get(item.entity)?.has(item.id) === true);
    return { ...sumOutcomes(outcomes), appliedChanges };
  }

  /** Tombstones every cached row of the table at the truncate's version, one SCAN page at a time. */
  async function applyTruncate({ entity, version }: TableTruncate): Promise<ApplyOutcome> {
    const tablePrefix = `${keyPrefix}${entity.table}:`;
    const match = `${escapeGlob(tablePrefix)}*`;
    const outcomes: ApplyOutcome[] = [];
    // On a cluster every master is scanned: a SCAN only sees the keys of its own node.
    for await (const keys of scanKeys(redis, match, scanCount)) {
      // SCAN may return a key twice; the guarded write makes the second one a stale no-op anyway.
      // Other keys under the prefix are left alone; a string or composite id may itself contain ':'.
      const ids = [...new Set(keys.map((key) => key.slice(tablePrefix.length)).filter((id) => isRowIdOf(entity, id)))];
      const tombstones = ids.map((id): CacheChange => ({ id, version: formatVersion(version), kind: 'delete', row: null }));
      outcomes.push(await cache.applyChanges(entity, tombstones));
    }
    return sumOutcomes(outcomes);
  }

  return {
    store: 'redis',
    // One pipelined command per change, each under the client's command timeout (short, for the
    // read path): a merged backlog of thousands would time out under load, and each retry would
    // resend all of it.
    maxBatchChanges: 500,
    async apply(batch: ApplyBatch): Promise<ApplyOutcome> {
      let outcome: ApplyOutcome;
      let applied: EntityChange[];
      try {
        const rows = await applyRowChanges(batch.changes);
        const truncates = await Promise.all(batch.truncates.map((truncate) => applyTruncate(truncate)));
        outcome = sumOutcomes([rows, ...truncates]);
        applied = rows.appliedChanges;
      } catch (error) {
        throw new GatewayError('CACHE_UNAVAILABLE', `redis applier: ${errorMessage(error)}`, { cause: error });
      }
      if (options.onApplied !== undefined && applied.length > 0) await options.onApplied(applied);
      return outcome;
    },
  };
}

function toCacheChange({ entity, change, id }: EntityChange): CacheChange {
  const version = formatVersion(change.version);
  if (change.op === 'delete') return { id, version, kind: 'delete', row: null };
  if (entity.cache.onChange === 'invalidate' || change.after === null) return { id, version, kind: 'invalidate', row: null };
  return { id, version, kind: 'write', row: declaredColumnsOf(change.after, entity) };
}

/**
 * The cache holds exactly what the read path would have loaded: the declared columns. A column
 * added to the table but not (yet) to the declaration stays out, so hits and misses agree.
 */
export function declaredColumnsOf(row: Row, entity: EntityDeclaration): Row {
  const projected: Row = {};
  for (const column in entity.columns) if (column in row) projected[column] = row[column] ?? null;
  return projected;
}

function sumOutcomes(outcomes: readonly ApplyOutcome[]): ApplyOutcome {
  return outcomes.reduce((sum, outcome) => ({ applied: sum.applied + outcome.applied, stale: sum.stale + outcome.stale }), {
    applied: 0,
    stale: 0,
  });
}

/** A key prefix is configuration, not a pattern: glob characters in it must match literally. */
function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

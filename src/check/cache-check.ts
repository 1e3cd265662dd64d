import { isDeepStrictEqual } from 'node:util';
import { entryCacheKey } from '../cache/cache-entry.js';
import type { EntityCache } from '../cache/entity-cache.js';
import type { RedisConnection } from '../cache/redis-client.js';
import { scanKeys } from '../cache/redis-client.js';
import type { RowSource } from '../db/row-source.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { isRowIdOf, rowIdOf } from '../schema/entity.js';
import type { Row } from '../rows/row.js';

export interface CacheFinding {
  readonly id: string;
  /** stale: the entry disagrees with MySQL's row; resurrected: a row MySQL no longer has is served. */
  readonly problem: 'stale' | 'resurrected';
}

/**
 * A batch of MySQL rows against their cache entries. An absent entry is fine (cache-aside fills it
 * on the next read); an entry that answers differently from MySQL is not.
 */
export async function checkCacheBatch(cache: EntityCache, entity: EntityDeclaration, batch: readonly Row[]): Promise<CacheFinding[]> {
  const ids = batch.map((row) => rowIdOf(row, entity));
  const lookups = await cache.lookup(entity, ids);
  const findings: CacheFinding[] = [];
  lookups.forEach((lookup, index) => {
    const id = ids[index] as string;
    if (lookup.state === 'known-missing' || (lookup.state === 'hit' && !isDeepStrictEqual(lookup.row, batch[index]))) {
      findings.push({ id, problem: 'stale' });
    }
  });
  return findings;
}

/**
 * Cache entries that serve a row MySQL does not have: SCANs the table's keys (every master of a
 * cluster), asks MySQL per page.
 */
export async function findResurrectedEntries(
  deps: { redis: RedisConnection; cache: EntityCache; rows: RowSource; keyPrefix: string },
  entity: EntityDeclaration,
  pageSize: number,
  onPage: () => Promise<void>,
): Promise<CacheFinding[]> {
  const findings: CacheFinding[] = [];
  const prefix = entryCacheKey(deps.keyPrefix, entity.table, '');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const reported = new Set<string>();
  for await (const keys of scanKeys(deps.redis, pattern, pageSize)) {
    // SCAN may return a key twice; a finding is reported once.
    const ids = keys.map((key) => key.slice(prefix.length)).filter((id) => isRowIdOf(entity, id) && !reported.has(id));
    if (ids.length > 0) {
      const [lookups, existing] = await Promise.all([deps.cache.lookup(entity, ids), deps.rows.selectByIds(entity, ids)]);
      ids.forEach((id, index) => {
        if (lookups[index]?.state === 'hit' && !existing.has(id)) {
          reported.add(id);
          findings.push({ id, problem: 'resurrected' });
        }
      });
    }
    await onPage();
  }
  return findings;
}

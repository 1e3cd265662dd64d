import { isDeepStrictEqual } from 'node:util';
import type { EntityCache } from '../../src/cache/entity-cache.js';
import type { RowSource } from '../../src/db/row-source.js';
import type { EntityDeclaration } from '../../src/schema/entity.js';

export interface CacheComparison {
  readonly equal: number;
  /** Cached value differs from MySQL, or a row MySQL no longer has is cached (resurrected). */
  readonly stale: string[];
  /** Not in the cache at all although MySQL has it (only a problem where the stream should have written it). */
  readonly missing: string[];
}

/** Compares the cache entries of `ids` with MySQL, row by row. */
export async function compareCacheWithDatabase(
  cache: EntityCache,
  rows: RowSource,
  entity: EntityDeclaration,
  ids: readonly string[],
): Promise<CacheComparison> {
  const [lookups, found] = await Promise.all([cache.lookup(entity, ids), rows.selectByIds(entity, ids)]);
  const stale: string[] = [];
  const missing: string[] = [];
  let equal = 0;
  ids.forEach((id, index) => {
    const lookup = lookups[index];
    const row = found.get(id) ?? null;
    if (lookup?.state === 'hit') {
      if (row !== null && isDeepStrictEqual(lookup.row, row)) equal += 1;
      else stale.push(id);
    } else if (lookup?.state === 'known-missing') {
      if (row === null) equal += 1;
      else stale.push(id);
    } else if (row === null) {
      equal += 1;
    } else {
      missing.push(id);
    }
  });
  return { equal, stale, missing };
}

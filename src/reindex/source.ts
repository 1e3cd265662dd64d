import type { RowSource } from '../db/row-source.js';
import type { Row } from '../rows/row.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { rowIdOf } from '../schema/entity.js';

/*
 * The reindex reads the table in primary-key order with keyset pagination (RowSource.selectRange):
 * each page is its own short statement (`WHERE pk > last ORDER BY pk LIMIT n`), so no long
 * transaction or server-side cursor holds back purge on the database, and every page reflects the
 * table as of its own read, which the reindex's version argument relies on (docs/reindex.md).
 */

export interface KeyPage {
  readonly rows: readonly Row[];
  /** Primary keys of `rows`, as strings, ascending. */
  readonly ids: readonly string[];
}

export interface ReindexSource {
  /** Rows with a primary key above `after` (all when null), ascending, at most `limit`. */
  pageAfter(entity: EntityDeclaration, after: string | null, limit: number): Promise<KeyPage>;
  count(entity: EntityDeclaration): Promise<number>;
}

export function createReindexSource(rows: RowSource): ReindexSource {
  return {
    async pageAfter(entity, after, limit) {
      const page = await rows.selectRange(entity, after, limit);
      return { rows: page, ids: page.map((row) => rowIdOf(row, entity)) };
    },
    count: (entity) => rows.count(entity),
  };
}

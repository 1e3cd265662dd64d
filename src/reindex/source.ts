import type { Pool, RowDataPacket } from 'mysql2/promise';
import { toDatabaseError } from '../db/database-errors.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { rowIdOf } from '../schema/entity.js';
import type { Row } from '../rows/row.js';
import { normalizeRow } from '../rows/normalize-row.js';

/*
 * The reindex reads the table in primary-key order with keyset pagination: each page is its own
 * short statement (`WHERE pk > last ORDER BY pk LIMIT n`), so no long transaction or server-side
 * cursor holds back purge on the database, and every page reflects the table as of its own read,
 * which the reindex's version argument relies on (docs/reindex.md). Identifiers come from entity
 * declarations (checked by defineEntity) and are backquoted; values are parameters.
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

const quote = (identifier: string) => `\`${identifier}\``;

export function createReindexSource(pool: Pool): ReindexSource {
  async function query(sql: string, params: (string | number)[], what: string): Promise<RowDataPacket[]> {
    try {
      const [rows] = await pool.query<RowDataPacket[]>(sql, params);
      return rows;
    } catch (error) {
      throw toDatabaseError(error, what);
    }
  }

  return {
    async pageAfter(entity, after, limit) {
      const columns = Object.keys(entity.columns).map(quote).join(', ');
      const pk = quote(entity.primaryKey);
      const bound = after === null ? '' : ` WHERE ${pk} > ?`;
      const sql = `SELECT ${columns} FROM ${quote(entity.table)}${bound} ORDER BY ${pk} LIMIT ?`;
      const raw = await query(sql, after === null ? [limit] : [after, limit], `reading ${entity.table} for a reindex`);
      const rows = raw.map((row) => normalizeRow(row, entity.columns));
      return { rows, ids: rows.map((row) => rowIdOf(row, entity.primaryKey)) };
    },
    async count(entity) {
      const [row] = await query(`SELECT COUNT(*) AS n FROM ${quote(entity.table)}`, [], `counting ${entity.table}`);
      return Number(row?.n ?? 0);
    },
  };
}

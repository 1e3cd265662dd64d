import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Metrics } from '../observability/metrics.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { rowIdOf } from '../schema/entity.js';
import type { Row } from '../rows/row.js';
import { normalizeRow } from '../rows/normalize-row.js';
import { toDatabaseError } from './database-errors.js';

export interface PageRequest {
  readonly first: number;
  /** Exclusive id bound: rows after this one in the page order. */
  readonly after: string | null;
  readonly order: 'asc' | 'desc';
}

export interface ChildPage {
  readonly ids: string[];
  readonly hasNextPage: boolean;
}

/**
 * Reads rows from MySQL/MariaDB/TiDB. Every statement is parameterized; identifiers come only from
 * entity declarations (validated by defineEntity) and are backquoted. Only syntax all three servers
 * share is used (window functions exist in MariaDB 10.2+, MySQL 8 and TiDB).
 */
export interface RowSource {
  /** One `SELECT … WHERE pk IN (…)`; rows keyed by primary key, in canonical form. */
  selectByIds(entity: EntityDeclaration, ids: readonly string[]): Promise<Map<string, Row>>;
  /** The next `limit` rows after `afterId` in primary-key order (a key-range scan, gentle on the server). */
  selectRange(entity: EntityDeclaration, afterId: string | null, limit: number): Promise<Row[]>;
  /** The table's row count (reindex compares it with the live documents before a swap). */
  count(entity: EntityDeclaration): Promise<number>;
  /** Child ids per parent (one statement for all parents), `first + 1` read to know whether more exist. */
  selectChildIds(
    entity: EntityDeclaration,
    foreignKey: string,
    parentIds: readonly string[],
    page: PageRequest,
  ): Promise<Map<string, ChildPage>>;
}

const quote = (identifier: string) => `\`${identifier}\``;
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

export interface RowSourceDependencies {
  readonly pool: Pool;
  readonly metrics: Metrics;
  /**
   * Upper bound per statement. mysql2 gives up on the connection when it passes (the pool replaces
   * it), so one slow statement cannot hold a request past its deadline; it surfaces as
   * DATABASE_UNAVAILABLE like any other database that cannot answer in time.
   */
  readonly queryTimeoutMs?: number;
}

export function createRowSource(dependencies: RowSourceDependencies): RowSource {
  const { pool, metrics, queryTimeoutMs } = dependencies;

  async function query(entity: EntityDeclaration, sql: string, params: (string | number)[], what: string): Promise<RowDataPacket[]> {
    const started = performance.now();
    try {
      const [rows] = await pool.query<RowDataPacket[]>(queryTimeoutMs === undefined ? { sql } : { sql, timeout: queryTimeoutMs }, params);
      return rows;
    } catch (error) {
      metrics.increment('sql_errors', { table: entity.table });
      throw toDatabaseError(error, what);
    } finally {
      metrics.observeSql(entity.table, performance.now() - started);
    }
  }

  return {
    async selectByIds(entity, ids) {
      const found = new Map<string, Row>();
      if (ids.length === 0) return found;
      const columns = Object.keys(entity.columns).map(quote).join(', ');
      const sql = `SELECT ${columns} FROM ${quote(entity.table)} WHERE ${quote(entity.primaryKey)} IN (${placeholders(ids.length)})`;
      for (const raw of await query(entity, sql, [...ids], `reading ${entity.table}`)) {
        const row = normalizeRow(raw, entity.columns);
        found.set(rowIdOf(row, entity.primaryKey), row);
      }
      return found;
    },

    async count(entity) {
      const [row] = await query(entity, `SELECT COUNT(*) AS n FROM ${quote(entity.table)}`, [], `counting ${entity.table}`);
      return Number(row?.['n'] ?? 0);
    },

    async selectRange(entity, afterId, limit) {
      const columns = Object.keys(entity.columns).map(quote).join(', ');
      const pk = quote(entity.primaryKey);
      const bound = afterId === null ? '' : ` WHERE ${pk} > ?`;
      const sql = `SELECT ${columns} FROM ${quote(entity.table)}${bound} ORDER BY ${pk} LIMIT ?`;
      const raws = await query(entity, sql, afterId === null ? [limit] : [afterId, limit], `scanning ${entity.table}`);
      return raws.map((raw) => normalizeRow(raw, entity.columns));
    },

    async selectChildIds(entity, foreignKey, parentIds, page) {
      const pages = new Map<string, ChildPage>(parentIds.map((id) => [id, { ids: [], hasNextPage: false }]));
      if (parentIds.length === 0) return pages;
      if (entity.columns[foreignKey] === undefined) throw new Error(`${entity.table} has no column ${foreignKey}`);
      const pk = quote(entity.primaryKey);
      const fk = quote(foreignKey);
      const direction = page.order === 'asc' ? 'ASC' : 'DESC';
      const bound = page.after === null ? '' : ` AND ${pk} ${page.order === 'asc' ? '>' : '<'} ?`;
      const sql =
        `SELECT id, parent FROM (SELECT ${pk} AS id, ${fk} AS parent, ROW_NUMBER() OVER (PARTITION BY ${fk} ORDER BY ${pk} ${direction}) AS position ` +
        `FROM ${quote(entity.table)} WHERE ${fk} IN (${placeholders(parentIds.length)})${bound}) ranked ` +
        `WHERE position <= ? ORDER BY parent, position`;
      const params = [...parentIds, ...(page.after === null ? [] : [page.after]), page.first + 1];
      for (const raw of await query(entity, sql, params, `reading ${entity.table} by ${foreignKey}`)) {
        const entry = pages.get(String(raw.parent));
        if (entry === undefined) continue;
        if (entry.ids.length < page.first) entry.ids.push(String(raw.id));
        else pages.set(String(raw.parent), { ids: entry.ids, hasNextPage: true });
      }
      return pages;
    },
  };
}

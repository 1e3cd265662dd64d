import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Metrics } from '../observability/metrics.js';
import type { EntityDeclaration } from '../schema/entity.js';
import type { SqlKeyValue } from '../schema/entity.js';
import { keyColumnsOf, keyParametersOf, rowIdOf, sqlParameterOf } from '../schema/entity.js';
import type { Row } from '../rows/row.js';
import { normalizeRow, normalizeValue } from '../rows/normalize-row.js';
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
  /** One `SELECT … WHERE pk IN (…)` (`(a, b) IN ((…), …)` for a composite key); rows keyed by row id, in canonical form. */
  selectByIds(entity: EntityDeclaration, ids: readonly string[]): Promise<Map<string, Row>>;
  /**
   * The next `limit` rows after `afterId` in primary-key order (a key-range scan, gentle on the
   * server; a composite key compares as a row constructor, `(a, b) > (?, ?) ORDER BY a, b`).
   */
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

/** The key as SQL: `pk` for one column, `(a, b)` for a composite key, and its placeholder tuple. */
interface KeySql {
  readonly columns: string;
  readonly tuple: string;
  readonly order: (direction: string) => string;
}

function keySql(entity: EntityDeclaration): KeySql {
  const keyColumns = keyColumnsOf(entity).map(quote);
  const single = keyColumns.length === 1;
  return {
    columns: single ? (keyColumns[0] ?? '') : `(${keyColumns.join(', ')})`,
    tuple: single ? '?' : `(${placeholders(keyColumns.length)})`,
    order: (direction) => keyColumns.map((column) => `${column} ${direction}`).join(', '),
  };
}

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

  async function query(entity: EntityDeclaration, sql: string, params: SqlKeyValue[], what: string): Promise<RowDataPacket[]> {
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
      const key = keySql(entity);
      const tuples = ids.map(() => key.tuple).join(', ');
      const sql = `SELECT ${columns} FROM ${quote(entity.table)} WHERE ${key.columns} IN (${tuples})`;
      const params = ids.flatMap((id) => keyParametersOf(entity, id));
      for (const raw of await query(entity, sql, params, `reading ${entity.table}`)) {
        const row = normalizeRow(raw, entity.columns, keyColumnsOf(entity));
        found.set(rowIdOf(row, entity), row);
      }
      return found;
    },

    async count(entity) {
      const [row] = await query(entity, `SELECT COUNT(*) AS n FROM ${quote(entity.table)}`, [], `counting ${entity.table}`);
      return Number(row?.['n'] ?? 0);
    },

    async selectRange(entity, afterId, limit) {
      const columns = Object.keys(entity.columns).map(quote).join(', ');
      const key = keySql(entity);
      const bound = afterId === null ? '' : ` WHERE ${key.columns} > ${key.tuple}`;
      const sql = `SELECT ${columns} FROM ${quote(entity.table)}${bound} ORDER BY ${key.order('ASC')} LIMIT ?`;
      const params = [...(afterId === null ? [] : keyParametersOf(entity, afterId)), limit];
      const raws = await query(entity, sql, params, `scanning ${entity.table}`);
      return raws.map((raw) => normalizeRow(raw, entity.columns, keyColumnsOf(entity)));
    },

    async selectChildIds(entity, foreignKey, parentIds, page) {
      const pages = new Map<string, ChildPage>(parentIds.map((id) => [id, { ids: [], hasNextPage: false }]));
      if (parentIds.length === 0) return pages;
      const foreignType = entity.columns[foreignKey];
      if (foreignType === undefined) throw new Error(`${entity.table} has no column ${foreignKey}`);
      const keyColumns = keyColumnsOf(entity);
      const key = keySql(entity);
      const fk = quote(foreignKey);
      const direction = page.order === 'asc' ? 'ASC' : 'DESC';
      const bound = page.after === null ? '' : ` AND ${key.columns} ${page.order === 'asc' ? '>' : '<'} ${key.tuple}`;
      const selected = keyColumns.map((column, index) => `${quote(column)} AS k${index}`).join(', ');
      const projected = keyColumns.map((_, index) => `k${index}`).join(', ');
      const sql =
        `SELECT ${projected}, parent FROM (SELECT ${selected}, ${fk} AS parent, ` +
        `ROW_NUMBER() OVER (PARTITION BY ${fk} ORDER BY ${key.order(direction)}) AS position ` +
        `FROM ${quote(entity.table)} WHERE ${fk} IN (${placeholders(parentIds.length)})${bound}) ranked ` +
        `WHERE position <= ? ORDER BY parent, position`;
      const parentParams = parentIds.map((id) => sqlParameterOf(normalizeValue(id, foreignType), foreignType));
      const params = [...parentParams, ...(page.after === null ? [] : keyParametersOf(entity, page.after)), page.first + 1];
      for (const raw of await query(entity, sql, params, `reading ${entity.table} by ${foreignKey}`)) {
        const parentValue = normalizeValue(raw.parent, foreignType);
        const parent = typeof parentValue === 'string' || typeof parentValue === 'number' ? String(parentValue) : '';
        const entry = pages.get(parent);
        if (entry === undefined) continue;
        const keyRow = normalizeRow(
          Object.fromEntries(keyColumns.map((column, index) => [column, raw[`k${index}`] as unknown])),
          entity.columns,
        );
        if (entry.ids.length < page.first) entry.ids.push(rowIdOf(keyRow, entity));
        else pages.set(parent, { ids: entry.ids, hasNextPage: true });
      }
      return pages;
    },
  };
}

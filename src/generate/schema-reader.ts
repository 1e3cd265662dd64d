import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { ColumnShape, ForeignKeyShape, TableShape } from './table-shape.js';

/**
 * Reads a database's tables from information_schema, using only what MySQL 8, MariaDB and TiDB all
 * have: TABLES, COLUMNS and KEY_COLUMN_USAGE (with its REFERENCED_* columns). The primary key is
 * the constraint all three name PRIMARY: MariaDB shows TABLE_CONSTRAINTS rows only to accounts with
 * more than SELECT, and the generator runs with the gateway's read-only account. Names are
 * selected under lowercase aliases because the servers disagree on the case of information_schema's
 * own column names in results.
 */
export async function readTableShapes(pool: Pool, database: string, only: readonly string[] | null): Promise<TableShape[]> {
  const [tables] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS table_name FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    [database],
  );
  const [columns] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type,
            IS_NULLABLE AS is_nullable, CHARACTER_MAXIMUM_LENGTH AS max_length, NUMERIC_SCALE AS numeric_scale,
            DATETIME_PRECISION AS datetime_precision
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const jsonChecks = await readJsonChecks(pool, database);
  const [keyColumns] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
            REFERENCED_TABLE_SCHEMA AS referenced_schema, REFERENCED_TABLE_NAME AS referenced_table,
            REFERENCED_COLUMN_NAME AS referenced_column
     FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    [database],
  );

  const names = tables.map((row) => String(row.table_name));
  if (only !== null) {
    const missing = only.filter((table) => !names.includes(table));
    if (missing.length > 0)
      throw new Error(`database ${database} has no table ${missing.join(', ')} (it has: ${names.join(', ') || 'none'})`);
  }
  return names
    .filter((table) => only === null || only.includes(table))
    .map((table) => ({
      database,
      name: table,
      columns: columns
        .filter((row) => row.table_name === table)
        .map((row) => columnShapeOf(row, jsonChecks.has(`${table}.${String(row.column_name)}`))),
      primaryKey: keyColumns
        .filter((row) => row.table_name === table && row.constraint_name === 'PRIMARY')
        .map((row) => String(row.column_name)),
      foreignKeys: foreignKeysOf(
        table,
        database,
        keyColumns.filter((row) => row.table_name === table && row.referenced_table !== null),
      ),
    }));
}

/**
 * `table.column` of MariaDB's JSON columns: LONGTEXT with a CHECK (json_valid(column)) named after
 * the column. CHECK_CONSTRAINTS is MariaDB's and MySQL 8.0.16+'s; where it is missing (older TiDB)
 * there are no such columns to find, since those servers have a real JSON type.
 */
async function readJsonChecks(pool: Pool, database: string): Promise<Set<string>> {
  try {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
       FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
      [database],
    );
    return new Set(
      rows
        .filter((row) => {
          const column = String(row.constraint_name);
          return [`json_valid(\`${column}\`)`, `json_valid(${column})`].includes(String(row.check_clause));
        })
        .map((row) => `${String(row.table_name)}.${String(row.constraint_name)}`),
    );
  } catch {
    return new Set();
  }
}

function columnShapeOf(row: RowDataPacket, jsonCheck: boolean): ColumnShape {
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    name: String(row.column_name),
    dataType: String(row.data_type).toLowerCase(),
    columnType: String(row.column_type).toLowerCase(),
    nullable: row.is_nullable === 'YES',
    maxLength: number(row.max_length),
    numericScale: number(row.numeric_scale),
    datetimePrecision: number(row.datetime_precision),
    jsonCheck,
  };
}

/** Foreign keys into other databases are left out: the gateway serves one database. */
function foreignKeysOf(table: string, database: string, rows: readonly RowDataPacket[]): ForeignKeyShape[] {
  const byName = new Map<string, ForeignKeyShape & { columns: string[]; referencedColumns: string[] }>();
  for (const row of rows) {
    if (row.referenced_schema !== null && row.referenced_schema !== database) continue;
    const name = String(row.constraint_name);
    let foreignKey = byName.get(name);
    if (foreignKey === undefined) {
      foreignKey = { name, table, columns: [], referencedTable: String(row.referenced_table), referencedColumns: [] };
      byName.set(name, foreignKey);
    }
    foreignKey.columns.push(String(row.column_name));
    foreignKey.referencedColumns.push(String(row.referenced_column));
  }
  return [...byName.values()];
}

/**
 * What the generator knows of a database, as read from information_schema: plain data, so the
 * mapping and rendering that follow are pure functions the unit tests drive without a server.
 */
export interface ColumnShape {
  readonly name: string;
  /** information_schema.COLUMNS.DATA_TYPE, lowercase (`varchar`, `bigint`, `longtext`…). */
  readonly dataType: string;
  /** COLUMNS.COLUMN_TYPE, lowercase (`bigint(20) unsigned`, `char(36)`, `enum('a','b')`…). */
  readonly columnType: string;
  readonly nullable: boolean;
  /** Characters for text types, bytes for binary types; null for the rest. */
  readonly maxLength: number | null;
  readonly numericScale: number | null;
  readonly datetimePrecision: number | null;
  /**
   * MariaDB declares `JSON` as LONGTEXT with a CHECK (json_valid(col)) constraint named after the
   * column; such a column is JSON.
   */
  readonly jsonCheck: boolean;
}

export interface ForeignKeyShape {
  readonly name: string;
  /** The referencing table and its columns, in constraint order. */
  readonly table: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
}

export interface TableShape {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ColumnShape[];
  /** Primary key columns in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** The table's own foreign keys (this table referencing others). */
  readonly foreignKeys: readonly ForeignKeyShape[];
}

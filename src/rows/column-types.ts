/**
 * SQL column types as entity declarations state them. They drive the one conversion from whatever a
 * source produced (mysql2 rows, Debezium/Canal/TiCDC/Maxwell images) into the canonical values of
 * src/rows/row.ts, so a row read from MySQL and the same row arriving through CDC are identical.
 */
export type ColumnType =
  | { readonly kind: 'int' }
  /** BIGINT: a number when it fits in 2^53, else a decimal string. */
  | { readonly kind: 'bigint' }
  | { readonly kind: 'decimal'; readonly scale: number }
  | { readonly kind: 'float' }
  | { readonly kind: 'string' }
  | { readonly kind: 'enum' }
  /** TINYINT(1) flags, canonical as true/false. */
  | { readonly kind: 'bool' }
  | { readonly kind: 'datetime'; readonly precision: number }
  | { readonly kind: 'timestamp'; readonly precision: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'json' }
  | { readonly kind: 'binary' };

export type ColumnTypes = Readonly<Record<string, ColumnType>>;

export const col = {
  int: (): ColumnType => ({ kind: 'int' }),
  bigint: (): ColumnType => ({ kind: 'bigint' }),
  decimal: (scale: number): ColumnType => ({ kind: 'decimal', scale }),
  float: (): ColumnType => ({ kind: 'float' }),
  string: (): ColumnType => ({ kind: 'string' }),
  enum: (): ColumnType => ({ kind: 'enum' }),
  bool: (): ColumnType => ({ kind: 'bool' }),
  datetime: (precision = 0): ColumnType => ({ kind: 'datetime', precision }),
  timestamp: (precision = 0): ColumnType => ({ kind: 'timestamp', precision }),
  date: (): ColumnType => ({ kind: 'date' }),
  time: (): ColumnType => ({ kind: 'time' }),
  json: (): ColumnType => ({ kind: 'json' }),
  binary: (): ColumnType => ({ kind: 'binary' }),
} as const;

/**
 * SQL column types as entity declarations state them. They drive the one conversion from whatever a
 * source produced (mysql2 rows, Debezium/Canal/TiCDC/Maxwell images) into the canonical values of
 * src/rows/row.ts, so a row read from MySQL and the same row arriving through CDC are identical.
 */
export type ColumnKind =
  | { readonly kind: 'int' }
  /**
   * BIGINT: a number when it fits in 2^53, else a decimal string. `unsigned` admits values up to
   * 2^64-1 in ids (the canonical form is the same either way).
   */
  | { readonly kind: 'bigint'; readonly unsigned?: boolean }
  | { readonly kind: 'decimal'; readonly scale: number }
  | { readonly kind: 'float' }
  /** VARCHAR/CHAR/TEXT. `maxLength` (characters) bounds ids parsed from clients; absent: 255. */
  | { readonly kind: 'string'; readonly maxLength?: number }
  | { readonly kind: 'enum' }
  /** TINYINT(1) flags, canonical as true/false. */
  | { readonly kind: 'bool' }
  | { readonly kind: 'datetime'; readonly precision: number }
  | { readonly kind: 'timestamp'; readonly precision: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'json' }
  | { readonly kind: 'binary' }
  /** CHAR(36)/VARCHAR holding a UUID as text; canonical lowercase 8-4-4-4-12, other text refused. */
  | { readonly kind: 'uuid' }
  /**
   * BINARY(16) holding a UUID's bytes. Canonical as the same lowercase text as `uuid`; a SQL
   * parameter of it is the 16-byte Buffer (see sqlParameterOf).
   */
  | { readonly kind: 'uuidBinary' };

/** A column's type; `nullable: false` (see notNull) makes CDC refuse a NULL in it. Absent: nullable. */
export type ColumnType = ColumnKind & { readonly nullable?: boolean };

export type ColumnTypes = Readonly<Record<string, ColumnType>>;

export const col = {
  int: (): ColumnType => ({ kind: 'int' }),
  bigint: (options: { readonly unsigned?: boolean } = {}): ColumnType =>
    options.unsigned === true ? { kind: 'bigint', unsigned: true } : { kind: 'bigint' },
  decimal: (scale: number): ColumnType => ({ kind: 'decimal', scale }),
  float: (): ColumnType => ({ kind: 'float' }),
  string: (options: { readonly maxLength?: number } = {}): ColumnType =>
    options.maxLength === undefined ? { kind: 'string' } : { kind: 'string', maxLength: options.maxLength },
  enum: (): ColumnType => ({ kind: 'enum' }),
  bool: (): ColumnType => ({ kind: 'bool' }),
  datetime: (precision = 0): ColumnType => ({ kind: 'datetime', precision }),
  timestamp: (precision = 0): ColumnType => ({ kind: 'timestamp', precision }),
  date: (): ColumnType => ({ kind: 'date' }),
  time: (): ColumnType => ({ kind: 'time' }),
  json: (): ColumnType => ({ kind: 'json' }),
  binary: (): ColumnType => ({ kind: 'binary' }),
  uuid: (): ColumnType => ({ kind: 'uuid' }),
  uuidBinary: (): ColumnType => ({ kind: 'uuidBinary' }),
} as const;

/** The type with `nullable: false`: a NULL arriving through CDC for it is dead-lettered. */
export function notNull(type: ColumnType): ColumnType {
  return { ...type, nullable: false };
}

export const isNotNull = (type: ColumnType): boolean => type.nullable === false;

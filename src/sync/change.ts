/**
 * The one normalized shape every CDC decoder produces. Appliers, the cache and the indexer only
 * ever see this, never a format-specific message.
 */

/** A row as a map from column name to a JSON-safe value in the gateway's canonical representation. */
export type Row = Record<string, RowValue>;

/**
 * Canonical column values (the same representation the read path produces from mysql2):
 * - integers that fit in 2^53 as numbers, larger BIGINTs as decimal strings;
 * - DECIMAL as an exact decimal string with the column's scale ("19.90");
 * - DATETIME / TIMESTAMP as ISO-8601 UTC strings with millisecond precision ("2025-03-01T10:15:30.123Z");
 * - DATE as "YYYY-MM-DD", TIME as "hh:mm:ss[.ffffff]";
 * - JSON columns as parsed JSON values; TINYINT(1) flags (declared `bool`) as true/false;
 * - BLOB/BINARY as base64 strings; NULL as null.
 */
export type RowValue = string | number | boolean | null | RowValue[] | { [key: string]: RowValue };

/** `debezium-avro`: Debezium through a registry-aware Avro converter (Confluent wire format). */
export type CdcFormat = 'debezium' | 'debezium-avro' | 'canal' | 'ticdc' | 'maxwell';

/**
 * A monotonic per-row version. Comparable only between changes of the same row coming from the
 * same source: binlog coordinates for Debezium/Maxwell, TiCDC commitTs, Canal execute time plus
 * the Kafka offset as a tiebreak (see docs/versions.md). Always below 2^63 so Elasticsearch accepts
 * it as an external version.
 */
export type RowVersion = bigint;

export type RowOp = 'create' | 'update' | 'delete' | 'read';

export interface RowChange {
  readonly kind: 'row';
  readonly format: CdcFormat;
  readonly database: string;
  readonly table: string;
  readonly op: RowOp;
  /** Primary-key column values, e.g. { id: 42 }. */
  readonly key: Row;
  /** After-image for create/update/read; null for delete. */
  readonly after: Row | null;
  /** Before-image when the format carries one (may be partial for Canal/Maxwell `old`). */
  readonly before: Row | null;
  readonly version: RowVersion;
  /** Source commit time, epoch milliseconds (second precision for binlog-based formats). */
  readonly committedAtMs: number;
  /** TiCDC `onlyHandleKey`: only the key is known, the row must be re-read from the database. */
  readonly needsReread: boolean;
}

/** TRUNCATE of a whole table: every cached row and document of it goes. */
export interface TruncateChange {
  readonly kind: 'truncate';
  readonly format: CdcFormat;
  readonly database: string;
  readonly table: string;
  readonly version: RowVersion;
  readonly committedAtMs: number;
}

/** A schema change (DDL). Logged and counted; a new column reaches the index mapping. */
export interface SchemaChange {
  readonly kind: 'schema';
  readonly format: CdcFormat;
  readonly database: string;
  readonly table: string | null;
  readonly ddl: string;
  readonly committedAtMs: number;
}

/** TiCDC watermark: every change with a lower commitTs was already delivered on this partition. */
export interface WatermarkChange {
  readonly kind: 'watermark';
  readonly format: CdcFormat;
  readonly version: RowVersion;
}

/** Messages that carry no change but are legitimately present (Debezium tombstones, transaction markers). */
export interface IgnorableMessage {
  readonly kind: 'ignore';
  readonly format: CdcFormat;
  readonly reason: string;
}

export type DecodedChange = RowChange | TruncateChange | SchemaChange | WatermarkChange | IgnorableMessage;

/** What a decoder receives: one Kafka record's bytes and coordinates. */
export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string | undefined>>;
}

export const MAX_ROW_VERSION: RowVersion = (1n << 63n) - 1n;

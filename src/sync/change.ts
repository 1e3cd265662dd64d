import type { Row, RowVersion } from '../rows/row.js';

/**
 * The one normalized shape every CDC decoder produces. Appliers, the cache and the indexer only
 * ever see this, never a format-specific message.
 */

/** `debezium-avro`: Debezium through a registry-aware Avro converter (Confluent wire format). */
export type CdcFormat = 'debezium' | 'debezium-avro' | 'canal' | 'ticdc' | 'maxwell';

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

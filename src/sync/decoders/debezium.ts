import type { CdcFormat, DecodedChange, RawMessage, RowOp, SchemaChange } from '../change.js';
import type { Row } from '../../rows/row.js';
import { binlogVersion } from '../../rows/row-version.js';
import { applyConnectSchema } from './connect-schema.js';
import {
  decodeProblem,
  ignoreMessage,
  isJsonObject,
  jsonObjectAsRow,
  optionalString,
  parseMessageJson,
  parseMessageValue,
  requireInteger,
  requireObject,
  requireString,
  withDecodeContext,
} from './decode-context.js';
import type { JsonObject } from './decode-context.js';

/**
 * Debezium MySQL/MariaDB change events (JSON converter, with or without `schemas.enable`).
 * Tombstones and transaction markers are ignorable; schema-change events become SchemaChange; a
 * primary-key change arrives as delete + tombstone + create and each decodes as a normal change.
 */
export function decodeDebeziumMessage(msg: RawMessage): DecodedChange[] {
  return withDecodeContext(msg, 'debezium', () => decodeDebeziumEnvelope(msg, parseMessageValue(msg), jsonEnvelope));
}

/** Same, for a value already parsed (by format detection) with parseJsonLossless. */
export function decodeDebeziumValue(msg: RawMessage, value: unknown): DecodedChange[] {
  return withDecodeContext(msg, 'debezium', () => decodeDebeziumEnvelope(msg, value, jsonEnvelope));
}

/** How a converter's output reaches the envelope decoding: the format label and the decoded key. */
export interface DebeziumEncoding {
  readonly format: CdcFormat;
  /** The message key as a Row (Connect's JSON shape, logical types applied). */
  readonly key: (msg: RawMessage) => Row;
}

const jsonEnvelope: DebeziumEncoding = { format: 'debezium', key: decodeJsonKey };

const ROW_OPS: ReadonlyMap<string, RowOp> = new Map([
  ['c', 'create'],
  ['u', 'update'],
  ['d', 'delete'],
  ['r', 'read'],
]);

/**
 * A Debezium envelope in Connect's JSON shape (`{schema, payload}` or bare), whichever converter
 * carried it: JSON here, Avro in debezium-avro.ts.
 */
export function decodeDebeziumEnvelope(msg: RawMessage, value: unknown, encoding: DebeziumEncoding): DecodedChange[] {
  const { format } = encoding;
  if (value === null) return [ignoreMessage(format, 'tombstone')];
  const payload = requireObject(unwrapConnect(value), 'value payload');

  const op = payload['op'];
  if (typeof op === 'string') {
    if (op === 't') return [decodeTruncate(payload, format)];
    const rowOp = ROW_OPS.get(op);
    if (rowOp === undefined) throw decodeProblem(`unsupported op "${op}"`);
    return [decodeRowChange(msg, payload, rowOp, encoding)];
  }
  if (payload['status'] === 'BEGIN' || payload['status'] === 'END') {
    return [ignoreMessage(format, `transaction ${payload['status']} marker`)];
  }
  if ('ddl' in payload || 'tableChanges' in payload || 'historyRecord' in payload) return [decodeSchemaChange(payload, format)];
  if (Object.keys(payload).length === 1 && 'ts_ms' in payload) return [ignoreMessage(format, 'heartbeat')];
  throw decodeProblem('value has no "op", "ddl" or transaction "status": not a Debezium event');
}

/** `{schema, payload}` (schemas.enable=true) → payload with its schema applied; bare values as is. */
function unwrapConnect(value: unknown): unknown {
  if (isJsonObject(value) && 'payload' in value && 'schema' in value) {
    return applyConnectSchema(value['payload'], value['schema']);
  }
  return value;
}

function decodeRowChange(msg: RawMessage, payload: JsonObject, op: RowOp, encoding: DebeziumEncoding): DecodedChange {
  const source = requireObject(payload['source'], '"source"');
  const before = optionalRow(payload['before'], '"before"');
  const after = optionalRow(payload['after'], '"after"');
  if (op === 'delete' ? before === null : after === null) {
    throw decodeProblem(`op "${String(payload['op'])}" without its ${op === 'delete' ? '"before"' : '"after"'} image`);
  }
  return {
    kind: 'row',
    format: encoding.format,
    database: requireString(source, 'db', 'source'),
    table: requireString(source, 'table', 'source'),
    op,
    key: encoding.key(msg),
    after: op === 'delete' ? null : after,
    before,
    version: sourceVersion(source),
    committedAtMs: requireInteger(source, 'ts_ms', 'source'),
    needsReread: false,
  };
}

function decodeTruncate(payload: JsonObject, format: CdcFormat): DecodedChange {
  const source = requireObject(payload['source'], '"source"');
  return {
    kind: 'truncate',
    format,
    database: requireString(source, 'db', 'source'),
    table: requireString(source, 'table', 'source'),
    version: sourceVersion(source),
    committedAtMs: requireInteger(source, 'ts_ms', 'source'),
  };
}

function decodeSchemaChange(payload: JsonObject, format: CdcFormat): SchemaChange {
  const source = isJsonObject(payload['source']) ? payload['source'] : {};
  const history = historyRecord(payload);
  const ddl = optionalString(payload, 'ddl') ?? (history === undefined ? undefined : optionalString(history, 'ddl'));
  if (ddl === undefined) throw decodeProblem('schema-change event without "ddl"');
  const database = optionalString(payload, 'databaseName') ?? optionalString(source, 'db');
  if (database === undefined) throw decodeProblem('schema-change event without "databaseName"');
  const committedAtMs = 'ts_ms' in source ? requireInteger(source, 'ts_ms', 'source') : requireInteger(payload, 'ts_ms');
  return { kind: 'schema', format, database, table: changedTable(payload, source), ddl, committedAtMs };
}

/** Older connectors nest the DDL in `historyRecord`, a JSON document in a string. */
function historyRecord(payload: JsonObject): JsonObject | undefined {
  const record = payload['historyRecord'];
  if (typeof record !== 'string') return undefined;
  const parsed = JSON.parse(record) as unknown;
  return isJsonObject(parsed) ? parsed : undefined;
}

/** `tableChanges[0].id` is `"shop"."products"` (quoted) or `shop.products`. */
function changedTable(payload: JsonObject, source: JsonObject): string | null {
  const changes = payload['tableChanges'];
  const first: unknown = Array.isArray(changes) ? changes[0] : undefined;
  const id = isJsonObject(first) ? optionalString(first, 'id') : undefined;
  if (id !== undefined) {
    const parts = id.match(/"(?:[^"]|"")*"|[^."]+/g) ?? [];
    const last = parts[parts.length - 1];
    if (last !== undefined) return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last;
  }
  const table = optionalString(source, 'table');
  return table === undefined || table === '' ? null : table;
}

/** The key bytes of a row event; throws when there are none. */
export function requireKeyBytes(msg: RawMessage): Buffer {
  if (msg.key === null || msg.key.length === 0) {
    throw decodeProblem('row event without a key (table without a primary key? set message.key.columns)');
  }
  return msg.key;
}

function decodeJsonKey(msg: RawMessage): Row {
  return jsonObjectAsRow(unwrapConnect(parseMessageJson(requireKeyBytes(msg), 'key')), 'key payload');
}

function optionalRow(value: unknown, what: string): Row | null {
  return value === null || value === undefined ? null : jsonObjectAsRow(value, what);
}

function sourceVersion(source: JsonObject) {
  const row = source['row'] === undefined || source['row'] === null ? 0 : requireInteger(source, 'row', 'source');
  return binlogVersion(requireString(source, 'file', 'source'), requireInteger(source, 'pos', 'source'), row);
}

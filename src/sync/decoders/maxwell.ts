import type { DecodedChange, RawMessage, RowOp } from '../change.js';
import type { Row, RowValue } from '../../rows/row.js';
import { binlogVersion } from '../../rows/row-version.js';
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
import { rowChangesFromImages } from './row-images.js';

/**
 * Maxwell JSON. Requires `output_binlog_position=true` (the version comes from `position`). The
 * value names no key columns, so they come from the Kafka key (Maxwell's default
 * `{"database":…,"table":…,"pk.id":42}` or the `array` key format) or, without a key, from
 * `primary_key_columns` (`output_primary_key_columns=true`).
 */
export function decodeMaxwellMessage(msg: RawMessage): DecodedChange[] {
  return withDecodeContext(msg, 'maxwell', () => decodeMaxwell(msg, parseMessageValue(msg)));
}

/** Same, for a value already parsed (by format detection) with parseJsonLossless. */
export function decodeMaxwellValue(msg: RawMessage, value: unknown): DecodedChange[] {
  return withDecodeContext(msg, 'maxwell', () => decodeMaxwell(msg, value));
}

const ROW_TYPES: ReadonlyMap<string, RowOp> = new Map([
  ['insert', 'create'],
  ['update', 'update'],
  ['delete', 'delete'],
  ['bootstrap-insert', 'read'],
]);
const IGNORED_TYPES = new Set(['bootstrap-start', 'bootstrap-complete']);
const DDL_TYPE = /^(?:database|table|view)-/;

/**
 * xoffset counts rows across the whole transaction and can pass 2^14, while `position` already
 * identifies the rows event and no event holds that many rows: the low bits order rows within it.
 */
const ROW_INDEX_MASK = (1 << 14) - 1;
/** Maxwell's `ts` is seconds; some builds emit milliseconds, which are never this small. */
const MILLISECOND_TIMESTAMPS_FROM = 100_000_000_000;

function decodeMaxwell(msg: RawMessage, value: unknown): DecodedChange[] {
  const message = requireObject(value, 'value');
  const type = requireString(message, 'type');
  if (IGNORED_TYPES.has(type)) return [ignoreMessage('maxwell', type)];
  const database = requireString(message, 'database');
  const committedAtMs = timestampMs(requireInteger(message, 'ts'));
  if (DDL_TYPE.test(type)) {
    const table = optionalString(message, 'table');
    return [{ kind: 'schema', format: 'maxwell', database, table: table ?? null, ddl: requireString(message, 'sql'), committedAtMs }];
  }
  const op = ROW_TYPES.get(type);
  if (op === undefined) throw decodeProblem(`unsupported type "${type}"`);

  const data = jsonObjectAsRow(message['data'], '"data"');
  const old = message['old'];
  let before: Row | null = null;
  if (op === 'delete') before = data;
  else if (op === 'update' && isJsonObject(old)) before = { ...data, ...jsonObjectAsRow(old, '"old"') };
  const key = keyColumns(msg, message, data);
  return rowChangesFromImages({
    format: 'maxwell',
    database,
    table: requireString(message, 'table'),
    op,
    before,
    after: op === 'delete' ? null : data,
    keyColumns: key.columns,
    fallbackKey: key.values,
    version: positionVersion(message),
    committedAtMs,
    needsReread: false,
  });
}

function positionVersion(message: JsonObject) {
  const position = optionalString(message, 'position');
  const separator = position?.lastIndexOf(':') ?? -1;
  const offset = position?.slice(separator + 1) ?? '';
  if (position === undefined || separator < 0 || !/^\d+$/.test(offset)) {
    throw decodeProblem('no "position" like "binlog.000004:35210" (run Maxwell with output_binlog_position=true)');
  }
  const xoffset = message['xoffset'] === undefined ? 0 : requireInteger(message, 'xoffset');
  return binlogVersion(position.slice(0, separator), BigInt(offset), xoffset & ROW_INDEX_MASK);
}

function timestampMs(ts: number): number {
  return ts >= MILLISECOND_TIMESTAMPS_FROM ? ts : ts * 1000;
}

interface KeyColumns {
  readonly columns: string[];
  readonly values: Row;
}

function keyColumns(msg: RawMessage, message: JsonObject, data: Row): KeyColumns {
  const fromKafkaKey = msg.key === null || msg.key.length === 0 ? [] : kafkaKeyEntries(parseMessageJson(msg.key, 'key'));
  const entries = fromKafkaKey.length > 0 ? fromKafkaKey : primaryKeyFieldEntries(message);
  if (entries.length === 0) {
    throw decodeProblem('no primary key: the Kafka key has no "pk." fields and the value no "primary_key_columns"');
  }
  // Maxwell lowercases key column names; the row keeps the table's own spelling.
  const named = entries.map(([name, value]) => {
    const lowered = name.toLowerCase();
    return [Object.keys(data).find((column) => column.toLowerCase() === lowered) ?? name, value] as const;
  });
  return {
    columns: named.map(([column]) => column),
    values: Object.fromEntries(named.filter((entry): entry is readonly [string, RowValue] => entry[1] !== undefined)),
  };
}

type KeyEntry = readonly [string, RowValue | undefined];

/** `{"database":…,"table":…,"pk.id":42}` or `["shop","products",[{"id":42}]]`. */
function kafkaKeyEntries(key: unknown): KeyEntry[] {
  if (isJsonObject(key)) {
    return Object.entries(jsonObjectAsRow(key, 'key'))
      .filter(([name]) => name.startsWith('pk.'))
      .map(([name, value]) => [name.slice(3), value]);
  }
  if (Array.isArray(key) && Array.isArray(key[2])) {
    return (key[2] as unknown[]).flatMap((part) => (isJsonObject(part) ? Object.entries(jsonObjectAsRow(part, 'key part')) : []));
  }
  return [];
}

/** `primary_key_columns: ["id"]` with `primary_key: [42]` when present (values otherwise from the row). */
function primaryKeyFieldEntries(message: JsonObject): KeyEntry[] {
  const columns = message['primary_key_columns'];
  if (!Array.isArray(columns) || !columns.every((column): column is string => typeof column === 'string')) return [];
  const values = message['primary_key'];
  return columns.map((column, index) => [column, Array.isArray(values) ? (values[index] as RowValue | undefined) : undefined]);
}

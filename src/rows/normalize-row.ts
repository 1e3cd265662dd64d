import { GatewayError, errorMessage } from '../errors.js';
import type { ColumnType, ColumnTypes } from './column-types.js';
import type { Row, RowValue } from './row.js';
import { integerToRowValue, parseIntegerValue, scaleDecimalText } from './decimal-text.js';
import { uuidFromBytesOrText, uuidTextOf } from './uuid-text.js';
import {
  canonicalDateText,
  canonicalDateTimeText,
  canonicalTimeText,
  epochDaysToDateText,
  epochMicrosToDateTimeText,
  epochMsToDateTimeText,
  microsToTimeText,
} from './temporal-text.js';

/**
 * The one conversion into the canonical values of change.ts, driven by the declared column types.
 * It accepts whatever any source produces for a type (mysql2 with dateStrings, Debezium with or
 * without schemas, Canal/TiCDC strings, Maxwell natives), so that a row read from MySQL and the same
 * row arriving through any CDC format come out identical. Columns that are not declared are kept,
 * made JSON-safe. Throws ROW_INVALID naming the column and the value it cannot convert.
 */
export function normalizeRow(row: Readonly<Record<string, unknown>>, columns: ColumnTypes, keyColumns: readonly string[] = []): Row {
  // A plain loop (every change of every store goes through here): no entries arrays to allocate.
  const normalized: Row = {};
  for (const column of Object.keys(row)) {
    const value = row[column];
    const type = Object.hasOwn(columns, column) ? columns[column] : undefined;
    if (type !== undefined && typeof value === 'boolean' && keyColumns.includes(column)) refuseBooleanKey(value, type, column);
    const converted = type === undefined ? toJsonSafe(value) : convertColumn(value, type, column);
    // defineProperty, so a column named "__proto__" cannot replace the prototype.
    if (column === '__proto__')
      Object.defineProperty(normalized, column, { value: converted, enumerable: true, writable: true, configurable: true });
    else normalized[column] = converted;
  }
  return normalized;
}

/**
 * A flag can stand for a TINYINT(1) in a plain column, but a key column holding true or false is a
 * producer bug: read as 1, it would address another row.
 */
function refuseBooleanKey(value: boolean, type: ColumnType, column: string): void {
  if (type.kind === 'bool') return;
  throw new GatewayError('ROW_INVALID', `key column "${column}" (${describeType(type)}): ${String(value)} is not a key value`, {
    details: { column, type: type.kind },
  });
}

export function normalizeValue(value: unknown, type: ColumnType): RowValue {
  return convertColumn(value, type, undefined);
}

/** Any value made JSON-safe the way JSON.stringify would, with binary and dates in canonical form. */
export function toJsonSafe(value: unknown): RowValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return integerToRowValue(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return epochMsToDateTimeText(value.getTime());
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonSafe(item)]));
  }
  throw new GatewayError('ROW_INVALID', `a ${typeof value} is not a JSON value`);
}

function convertColumn(value: unknown, type: ColumnType, column: string | undefined): RowValue {
  if (value === null || value === undefined) return null;
  try {
    return convertPresent(value, type);
  } catch (error) {
    const where = column === undefined ? 'value' : `column "${column}"`;
    throw new GatewayError(
      'ROW_INVALID',
      `${where} (${describeType(type)}): cannot convert ${describeValue(value)}: ${errorMessage(error)}`,
      { cause: error, details: { column, type: type.kind } },
    );
  }
}

function convertPresent(value: NonNullable<unknown>, type: ColumnType): RowValue {
  switch (type.kind) {
    case 'int':
      // The common case first, without a bigint round trip.
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : toInt(value);
    case 'bigint': {
      if (typeof value === 'number' && Number.isSafeInteger(value) && (value >= 0 || type.unsigned !== true)) return value;
      const integer = withinBigintRange(parseIntegerValue(typeof value === 'boolean' ? Number(value) : value));
      return integerToRowValue(type.unsigned === true && integer < 0n ? integer + UNSIGNED_WRAP : integer);
    }
    case 'decimal':
      return toDecimal(value, type.scale);
    case 'float':
      return toFloat(value);
    case 'string':
    case 'enum':
      return toText(value);
    case 'bool':
      return toBool(value);
    case 'datetime':
    case 'timestamp':
      return toDateTime(value, type.precision);
    case 'date':
      return toDate(value);
    case 'time':
      return toTime(value);
    case 'json':
      return toJson(value);
    case 'binary':
      return toBase64(value);
    case 'uuid':
      return uuidTextOf(value);
    case 'uuidBinary':
      return uuidFromBytesOrText(value);
  }
}

/** BIGINT and BIGINT UNSIGNED together: a value outside both cannot have come from MySQL. */
const BIGINT_MIN = -(1n << 63n);
const BIGINT_UNSIGNED_MAX = (1n << 64n) - 1n;

/**
 * Debezium's `bigint.unsigned.handling.mode=long` (the project's setting: it keeps every key a plain
 * JSON number) sends a BIGINT UNSIGNED value of 2^63 or more as the signed long with the same 64
 * bits, i.e. negative. An unsigned column cannot hold a negative value, so one is unwrapped.
 */
const UNSIGNED_WRAP = 1n << 64n;

function withinBigintRange(value: bigint): bigint {
  if (value < BIGINT_MIN || value > BIGINT_UNSIGNED_MAX) throw new Error('outside the 64-bit range of BIGINT');
  return value;
}

function toInt(value: NonNullable<unknown>): number {
  const integer = integerToRowValue(parseIntegerValue(typeof value === 'boolean' ? Number(value) : value));
  if (typeof integer === 'string') throw new Error('beyond 2^53: declare the column as bigint');
  return integer;
}

function toDecimal(value: NonNullable<unknown>, scale: number): string {
  if (typeof value === 'number' && Number.isFinite(value)) return scaleDecimalText(String(value), scale);
  if (typeof value === 'bigint') return scaleDecimalText(value.toString(), scale);
  if (typeof value !== 'string') throw new Error('not a decimal number');
  // Already canonical (what Debezium's string mode and mysql2 send): no BigInt arithmetic.
  if (scale > 0 && CANONICAL_UNSIGNED_DECIMAL.test(value) && value.length - value.indexOf('.') - 1 === scale) return value;
  try {
    return scaleDecimalText(value, scale);
  } catch (error) {
    if (BASE64_TEXT.test(value)) {
      throw new Error('looks like a base64 Debezium decimal, whose scale is lost without schemas: use decimal.handling.mode=string');
    }
    throw error;
  }
}

const CANONICAL_UNSIGNED_DECIMAL = /^(?:0|[1-9]\d*)\.\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toFloat(value: NonNullable<unknown>): number {
  const number = typeof value === 'string' && FLOAT_TEXT.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  if (typeof number === 'bigint') return Number(number);
  throw new Error('not a finite number');
}

function toText(value: NonNullable<unknown>): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  // Maxwell reports SET columns as arrays; MySQL itself returns "a,b".
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  throw new Error('not a string');
}

function toBool(value: NonNullable<unknown>): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase();
    if (lowered === 'true' || lowered === 'false') return lowered === 'true';
  }
  if (value instanceof Uint8Array) return value.some((byte) => byte !== 0);
  // TINYINT(1) may hold any tinyint; like MySQL, every non-zero value is true.
  return parseIntegerValue(value) !== 0n;
}

function toDateTime(value: NonNullable<unknown>, precision: number): string | null {
  if (typeof value === 'number' && precision <= 3 && Number.isSafeInteger(value)) return epochMsToDateTimeText(value);
  if (value instanceof Date) return epochMsToDateTimeText(value.getTime());
  if (typeof value === 'string' && !/^-?\d+$/.test(value.trim())) return canonicalDateTimeText(value);
  // Debezium without schemas: DATETIME(0-3) as epoch milliseconds, DATETIME(4-6) as epoch microseconds.
  const epoch = parseIntegerValue(value);
  return precision <= 3 ? epochMsToDateTimeText(Number(epoch)) : epochMicrosToDateTimeText(epoch);
}

function toDate(value: NonNullable<unknown>): string | null {
  if (value instanceof Date) return epochMsToDateTimeText(value.getTime()).slice(0, 10);
  if (typeof value === 'string' && !/^-?\d+$/.test(value.trim())) return canonicalDateText(value);
  return epochDaysToDateText(Number(parseIntegerValue(value)));
}

function toTime(value: NonNullable<unknown>): string {
  if (typeof value === 'string' && !/^-?\d+$/.test(value.trim())) return canonicalTimeText(value);
  return microsToTimeText(parseIntegerValue(value));
}

/**
 * MariaDB and Debezium give JSON as text, MySQL 8 (mysql2) and Maxwell as parsed values. Text that
 * does not parse can only be an already-parsed JSON string scalar (MariaDB checks json_valid), so it
 * is kept as that string.
 */
function toJson(value: NonNullable<unknown>): RowValue {
  const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
  if (typeof text !== 'string') return toJsonSafe(text);
  try {
    return JSON.parse(text) as RowValue;
  } catch {
    return text;
  }
}

const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toBase64(value: NonNullable<unknown>): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string' && BASE64_TEXT.test(value)) return value;
  throw new Error('not base64 text or bytes');
}

function describeType(type: ColumnType): string {
  if (type.kind === 'decimal') return `decimal(scale ${type.scale})`;
  if (type.kind === 'datetime' || type.kind === 'timestamp') return `${type.kind}(${type.precision})`;
  return type.kind;
}

function describeValue(value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const text = typeof value === 'bigint' ? value.toString() : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

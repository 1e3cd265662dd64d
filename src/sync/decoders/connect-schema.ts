import { bigintFromTwosComplement, parseIntegerValue, unscaledToDecimalText } from '../../rows/decimal-text.js';
import {
  canonicalDateTimeText,
  epochDaysToDateText,
  epochMicrosToDateTimeText,
  epochMsToDateTimeText,
  epochNanosToDateTimeText,
  floorDiv,
  microsToTimeText,
} from '../../rows/temporal-text.js';
import { decodeProblem, isJsonObject } from './decode-context.js';
import type { JsonObject } from './decode-context.js';

/**
 * Applies a Kafka Connect schema (Debezium with `schemas.enable=true`) to its payload: logical
 * types become the gateway's canonical text (exact decimals, ISO date-times, dates, times), so the
 * scale of a base64 DECIMAL, which only the schema knows, is not lost. Values without a logical
 * type pass through unchanged.
 */
export function applyConnectSchema(value: unknown, schema: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (!isJsonObject(schema)) return value;
  const name = typeof schema['name'] === 'string' ? schema['name'] : undefined;
  const logical = name === undefined ? undefined : LOGICAL_TYPES.get(name);
  if (logical !== undefined) {
    try {
      return logical(value, schema);
    } catch (error) {
      const field = typeof schema['field'] === 'string' ? `field "${schema['field']}" ` : '';
      const shown = JSON.stringify(value) ?? typeof value;
      throw decodeProblem(`${field}(${name}) value ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (schema['type'] === 'struct' && isJsonObject(value) && Array.isArray(schema['fields'])) {
    return applyStructSchema(value, schema['fields']);
  }
  if (schema['type'] === 'array' && Array.isArray(value)) {
    return value.map((item) => applyConnectSchema(item, schema['items']));
  }
  return value;
}

function applyStructSchema(value: JsonObject, fields: readonly unknown[]): JsonObject {
  const fieldSchemas = new Map<string, unknown>();
  for (const field of fields) {
    if (isJsonObject(field) && typeof field['field'] === 'string') fieldSchemas.set(field['field'], field);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, fieldSchemas.has(key) ? applyConnectSchema(item, fieldSchemas.get(key)) : item]),
  );
}

type LogicalDecoder = (value: unknown, schema: JsonObject) => unknown;

const LOGICAL_TYPES = new Map<string, LogicalDecoder>([
  ['org.apache.kafka.connect.data.Decimal', (value, schema) => decimalText(value, parameter(schema, 'scale'))],
  ['io.debezium.data.VariableScaleDecimal', (value) => variableScaleDecimal(value)],
  ['io.debezium.time.Timestamp', (value) => epochMsToDateTimeText(Number(parseIntegerValue(value)))],
  ['org.apache.kafka.connect.data.Timestamp', (value) => epochMsToDateTimeText(Number(parseIntegerValue(value)))],
  ['io.debezium.time.MicroTimestamp', (value) => epochMicrosToDateTimeText(parseIntegerValue(value))],
  ['io.debezium.time.NanoTimestamp', (value) => epochNanosToDateTimeText(parseIntegerValue(value))],
  ['io.debezium.time.ZonedTimestamp', (value) => canonicalDateTimeText(requireText(value))],
  ['io.debezium.time.Date', (value) => epochDaysToDateText(Number(parseIntegerValue(value)))],
  ['org.apache.kafka.connect.data.Date', (value) => epochDaysToDateText(Number(parseIntegerValue(value)))],
  ['io.debezium.time.Time', (value) => microsToTimeText(parseIntegerValue(value) * 1000n)],
  ['org.apache.kafka.connect.data.Time', (value) => microsToTimeText(parseIntegerValue(value) * 1000n)],
  ['io.debezium.time.MicroTime', (value) => microsToTimeText(parseIntegerValue(value))],
  ['io.debezium.time.NanoTime', (value) => microsToTimeText(floorDiv(parseIntegerValue(value), 1000n))],
  ['io.debezium.data.Json', (value) => JSON.parse(requireText(value)) as unknown],
  ['io.debezium.data.Bits', (value, schema) => bigEndianBits(value, parameter(schema, 'length'))],
]);

function decimalText(value: unknown, scaleText: string | undefined): string {
  const scale = Number(scaleText);
  if (scaleText === undefined || !Number.isInteger(scale)) throw new Error('schema has no integer "scale" parameter');
  return unscaledToDecimalText(bigintFromTwosComplement(base64Bytes(value)), scale);
}

function variableScaleDecimal(value: unknown): string {
  if (!isJsonObject(value)) throw new Error('expected {scale, value}');
  const scale = value['scale'];
  if (typeof scale !== 'number' || !Number.isInteger(scale)) throw new Error('has no integer "scale"');
  return unscaledToDecimalText(bigintFromTwosComplement(base64Bytes(value['value'])), scale);
}

/**
 * Debezium sends BIT(n) little-endian with high zero bytes trimmed; mysql2 returns the column
 * big-endian and full width, so the bytes are reversed and padded to ceil(n / 8).
 */
function bigEndianBits(value: unknown, lengthText: string | undefined): string {
  const bytes = Buffer.from(base64Bytes(value)).reverse();
  const width = Math.ceil(Number(lengthText ?? '0') / 8);
  const padding = Buffer.alloc(Math.max(0, width - bytes.length));
  return Buffer.concat([padding, bytes]).toString('base64');
}

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(value: unknown): Buffer {
  const text = requireText(value);
  if (!BASE64_TEXT.test(text)) throw new Error('not base64');
  return Buffer.from(text, 'base64');
}

function requireText(value: unknown): string {
  if (typeof value !== 'string') throw new Error('expected a string');
  return value;
}

function parameter(schema: JsonObject, name: string): string | undefined {
  const parameters = schema['parameters'];
  if (!isJsonObject(parameters)) return undefined;
  const value = parameters[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

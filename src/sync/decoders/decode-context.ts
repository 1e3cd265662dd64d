import { GatewayError, errorMessage, isGatewayError } from '../../errors.js';
import type { CdcFormat, IgnorableMessage, RawMessage } from '../change.js';
import type { Row } from '../../rows/row.js';
import { parseJsonLossless } from './lossless-json.js';

/** Shared plumbing of the decoders: message coordinates in errors, JSON parsing, field access. */

export type JsonObject = Record<string, unknown>;

export function messageCoordinates(msg: RawMessage): string {
  return `${msg.topic}[${msg.partition}]@${msg.offset}`;
}

/** A problem found deep inside a decoder; withDecodeContext adds the message's coordinates. */
export function decodeProblem(problem: string): GatewayError {
  return new GatewayError('CDC_DECODE_FAILED', problem);
}

/**
 * Runs a decoder so that whatever it throws reaches the consumer as one non-retriable
 * CDC_DECODE_FAILED naming topic, partition, offset and format. CDC_UNKNOWN_FORMAT and errors that
 * already carry coordinates pass through unchanged.
 */
export function withDecodeContext<T>(msg: RawMessage, format: CdcFormat | 'auto', decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (isGatewayError(error) && (error.code === 'CDC_UNKNOWN_FORMAT' || error.details['topic'] !== undefined)) throw error;
    throw new GatewayError('CDC_DECODE_FAILED', `cannot decode ${format} message ${messageCoordinates(msg)}: ${errorMessage(error)}`, {
      cause: error,
      details: { topic: msg.topic, partition: msg.partition, offset: msg.offset, format },
    });
  }
}

export function parseMessageJson(bytes: Buffer, part: 'key' | 'value'): unknown {
  try {
    return parseJsonLossless(bytes.toString('utf8'));
  } catch (error) {
    throw decodeProblem(`the ${part} is not valid JSON (${errorMessage(error)})`);
  }
}

/** The parsed value, or null for a Kafka tombstone (null or empty value). */
export function parseMessageValue(msg: RawMessage): unknown {
  return msg.value === null || msg.value.length === 0 ? null : parseMessageJson(msg.value, 'value');
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw decodeProblem(`${what} is not a JSON object`);
  return value;
}

export function requireString(object: JsonObject, field: string, what = 'message'): string {
  const value = object[field];
  if (typeof value !== 'string') throw decodeProblem(`${what} has no string "${field}"`);
  return value;
}

export function optionalString(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' ? value : undefined;
}

/** A safe integer given as a JSON number or as digits. */
export function requireInteger(object: JsonObject, field: string, what = 'message'): number {
  const value = object[field];
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw decodeProblem(`${what} has no integer "${field}"`);
  return number;
}

/**
 * A JSON object as a Row. Sound for objects that came out of JSON parsing: every value in them is
 * a string, number, boolean, null, array or object, i.e. a RowValue.
 */
export function jsonObjectAsRow(value: unknown, what: string): Row {
  return requireObject(value, what) as Row;
}

export function ignoreMessage(format: CdcFormat, reason: string): IgnorableMessage {
  return { kind: 'ignore', format, reason };
}

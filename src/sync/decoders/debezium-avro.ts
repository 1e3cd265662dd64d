import type { Row } from '../../rows/row.js';
import type { DecodedChange, RawMessage } from '../change.js';
import type { AvroSchemaLookup } from '../schema-registry-client.js';
import { decodeDebeziumEnvelope, requireKeyBytes } from './debezium.js';
import type { DebeziumEncoding } from './debezium.js';
import { decodeProblem, jsonObjectAsRow, withDecodeContext } from './decode-context.js';

/** Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then Avro binary. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** True for bytes in the Confluent wire format; JSON (`{`, `[`, whitespace) never starts with 0. */
export function isConfluentWireFormat(bytes: Buffer | null): bytes is Buffer {
  return bytes !== null && bytes.length >= HEADER_BYTES && bytes[0] === MAGIC_BYTE;
}

/** The schema id of a Confluent-framed key or value, null for anything else. */
export function confluentSchemaId(bytes: Buffer | null): number | null {
  return isConfluentWireFormat(bytes) ? bytes.readUInt32BE(1) : null;
}

/** Every schema id a batch's keys and values refer to, so they can be fetched before decoding. */
export function schemaIdsOf(messages: readonly { key: Buffer | null; value: Buffer | null }[]): Set<number> {
  const ids = new Set<number>();
  for (const message of messages) {
    for (const bytes of [message.key, message.value]) {
      const id = confluentSchemaId(bytes);
      if (id !== null) ids.add(id);
    }
  }
  return ids;
}

/**
 * Debezium through a registry-aware Avro converter. Key and value are decoded with their writer
 * schemas (fetched by id beforehand into `schemas`), turned into the shape the JSON converter
 * writes, and then decoded exactly like JSON Debezium: same ops, images, versions and tombstones.
 * A schema change (a new column) simply arrives under a new schema id.
 */
export function decodeDebeziumAvroMessage(msg: RawMessage, schemas: AvroSchemaLookup): DecodedChange[] {
  return withDecodeContext(msg, 'debezium-avro', () => {
    const encoding: DebeziumEncoding = { format: 'debezium-avro', key: (message) => decodeAvroKey(message, schemas) };
    const value = msg.value === null || msg.value.length === 0 ? null : decodeAvro(msg.value, 'value', schemas);
    return decodeDebeziumEnvelope(msg, value, encoding);
  });
}

function decodeAvroKey(msg: RawMessage, schemas: AvroSchemaLookup): Row {
  return jsonObjectAsRow(decodeAvro(requireKeyBytes(msg), 'key', schemas), 'key');
}

function decodeAvro(bytes: Buffer, part: 'key' | 'value', schemas: AvroSchemaLookup): unknown {
  const id = confluentSchemaId(bytes);
  if (id === null) throw decodeProblem(`the ${part} is not in the Confluent Avro wire format (magic byte 0 and a schema id)`);
  const found = schemas.schemaById(id);
  if ('problem' in found) throw decodeProblem(`the ${part}'s ${found.problem}`);
  let decoded: unknown;
  try {
    decoded = found.schema.type.fromBuffer(bytes.subarray(HEADER_BYTES));
  } catch (error) {
    throw decodeProblem(`the ${part} does not match its schema id ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return found.schema.toConnectValue(decoded);
}

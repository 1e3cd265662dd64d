import avro from 'avsc';
import { integerToRowValue, parseIntegerValue } from '../../rows/decimal-text.js';
import { applyConnectSchema } from './connect-schema.js';
import { decodeProblem, isJsonObject } from './decode-context.js';
import type { JsonObject } from './decode-context.js';

/**
 * Avro longs as the gateway's canonical integers: a number when exact, else its decimal text.
 * avsc's own long type refuses values beyond 2^53 (BIGINT UNSIGNED ids, binlog positions can be
 * that large), so it is replaced by one that reads the full 64 bits.
 */
const exactLongType = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => integerToRowValue(buffer.readBigInt64LE(0)),
  toBuffer: (value: number | string | bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(parseIntegerValue(value), 0);
    return buffer;
  },
  fromJSON: (value: unknown) => integerToRowValue(parseIntegerValue(value)),
  toJSON: (value: number | string) => value,
  isValid: (value: unknown) => {
    try {
      parseIntegerValue(value);
      return true;
    } catch {
      return false;
    }
  },
  compare: (a: number | string, b: number | string) => {
    const [x, y] = [parseIntegerValue(a), parseIntegerValue(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  },
});

/** A writer schema ready to decode: avsc's reader for the bytes and the walk into Connect's JSON shape. */
export interface CompiledAvroSchema {
  readonly type: avro.Type;
  /** The decoded Avro value as Kafka Connect's JsonConverter would have written it, logical types applied. */
  readonly toConnectValue: (value: unknown) => unknown;
}

type Converter = (value: unknown) => unknown;

/**
 * Compiles a writer schema once per schema id. Avro produced by Kafka Connect (Apicurio's and
 * Confluent's AvroData) keeps each Connect logical type in `connect.name` / `connect.parameters`:
 * the walk turns bytes into base64 and hands such leaves to the same logical-type decoding the
 * JSON converter's schemas get, so DECIMAL, temporal and JSON columns come out identical.
 */
export function compileAvroSchema(schema: unknown): CompiledAvroSchema {
  const type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: exactLongType }, wrapUnions: 'never' });
  const named = new Map<string, Converter>();
  return { type, toConnectValue: converterFor(schema, '', named) };
}

function converterFor(schema: unknown, namespace: string, named: Map<string, Converter>): Converter {
  if (typeof schema === 'string') return primitiveOrReference(schema, namespace, named);
  if (Array.isArray(schema)) return unionConverter(schema, namespace, named);
  if (!isJsonObject(schema)) throw decodeProblem(`unsupported Avro schema ${JSON.stringify(schema)}`);
  const converter = complexConverter(schema, namespace, named);
  const connectName = schema['connect.name'];
  if (typeof connectName !== 'string') return converter;
  const connectSchema: JsonObject = { name: connectName };
  if (isJsonObject(schema['connect.parameters'])) connectSchema['parameters'] = schema['connect.parameters'];
  return (value) => applyConnectSchema(converter(value), connectSchema);
}

function complexConverter(schema: JsonObject, namespace: string, named: Map<string, Converter>): Converter {
  const type = schema['type'];
  if (type === 'record' || type === 'error') {
    const space = typeof schema['namespace'] === 'string' ? schema['namespace'] : namespace;
    const fields: [string, Converter][] = [];
    const converter: Converter = (value) => {
      const record = value as Record<string, unknown>;
      const shaped: JsonObject = {};
      for (const [name, convert] of fields) shaped[name] = convert(record[name]);
      return shaped;
    };
    if (typeof schema['name'] === 'string') named.set(fullName(schema['name'], space), converter);
    for (const field of Array.isArray(schema['fields']) ? schema['fields'] : []) {
      if (isJsonObject(field) && typeof field['name'] === 'string') fields.push([field['name'], converterFor(field['type'], space, named)]);
    }
    return converter;
  }
  if (type === 'array') {
    const items = converterFor(schema['items'], namespace, named);
    return (value) => (value as unknown[]).map(items);
  }
  if (type === 'map') {
    const values = converterFor(schema['values'], namespace, named);
    return (value) => Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, values(item)]));
  }
  if (type === 'enum' || type === 'fixed') {
    if (typeof schema['name'] === 'string') {
      const space = typeof schema['namespace'] === 'string' ? schema['namespace'] : namespace;
      named.set(fullName(schema['name'], space), type === 'fixed' ? bytesToBase64 : identity);
    }
    return type === 'fixed' ? bytesToBase64 : identity;
  }
  return converterFor(type, namespace, named);
}

function primitiveOrReference(name: string, namespace: string, named: Map<string, Converter>): Converter {
  if (name === 'bytes') return bytesToBase64;
  if (PRIMITIVES.has(name)) return identity;
  // A named type used again; resolved lazily, since a record may refer to itself.
  const key = name.includes('.') ? name : fullName(name, namespace);
  return (value) => {
    const converter = named.get(key) ?? named.get(name);
    if (converter === undefined) throw decodeProblem(`Avro schema refers to unknown type "${name}"`);
    return converter(value);
  };
}

/**
 * Unions are read unwrapped. Debezium only writes optional ones (null and one type), so the
 * branch of a non-null value is its only non-null branch.
 */
function unionConverter(branches: readonly unknown[], namespace: string, named: Map<string, Converter>): Converter {
  const nonNull = branches.filter((branch) => branch !== 'null');
  const converters = nonNull.map((branch) => converterFor(branch, namespace, named));
  const only = converters.length === 1 ? converters[0] : undefined;
  if (only !== undefined) return (value) => (value === null ? null : only(value));
  return (value) => {
    if (value === null) return null;
    if (Buffer.isBuffer(value)) return bytesToBase64(value);
    return value;
  };
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'string']);
const identity: Converter = (value) => value;
const bytesToBase64: Converter = (value) => (value as Buffer).toString('base64');
const fullName = (name: string, namespace: string): string => (name.includes('.') || namespace === '' ? name : `${namespace}.${name}`);

import { compileAvroSchema } from '../../src/sync/decoders/avro-values.js';
import type { CdcEvent } from './cdc-messages.js';
import { productChangeEvents } from './cdc-messages.js';

/**
 * C1's changes as Debezium's Avro connector writes them (Apicurio's converter in Confluent mode,
 * decimal.handling.mode=precise): magic byte, schema id, Avro binary. The schemas are the ones the
 * stack's connector registers for shop.products, registered under the bench topic's subjects in
 * the stack's real schema registry, so the consumer fetches them by id as it would in production.
 */
const named = (type: string, name: string) => ({ type, 'connect.version': 1, 'connect.name': name });
const optional = (type: unknown) => ({ type: ['null', type], default: null });
const decimal = {
  type: 'bytes',
  scale: 2,
  precision: 12,
  'connect.parameters': { scale: '2', 'connect.decimal.precision': '12' },
  'connect.name': 'org.apache.kafka.connect.data.Decimal',
  logicalType: 'decimal',
};

const keySchema = { type: 'record', name: 'Key', namespace: 'bench.shop.products', fields: [{ name: 'id', type: 'long' }] };
const valueSchema = {
  type: 'record',
  name: 'Envelope',
  namespace: 'bench.shop.products',
  fields: [
    {
      name: 'before',
      ...optional({
        type: 'record',
        name: 'Value',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'sku', type: 'string' },
          { name: 'name', type: 'string' },
          { name: 'description', ...optional('string') },
          { name: 'category_id', type: 'long' },
          { name: 'brand', type: 'string' },
          { name: 'price', type: decimal },
          { name: 'stock', type: 'int' },
          { name: 'status', type: named('string', 'io.debezium.data.Enum') },
          { name: 'is_featured', type: { type: 'int', 'connect.type': 'int16' } },
          { name: 'tags', type: named('string', 'io.debezium.data.Json') },
          { name: 'attributes', ...optional(named('string', 'io.debezium.data.Json')) },
          { name: 'created_at', type: named('long', 'io.debezium.time.Timestamp') },
          { name: 'updated_at', type: named('string', 'io.debezium.time.ZonedTimestamp') },
        ],
      }),
    },
    { name: 'after', ...optional('Value') },
    {
      name: 'source',
      type: {
        type: 'record',
        name: 'Source',
        namespace: 'io.debezium.connector.mariadb',
        fields: [
          { name: 'version', type: 'string' },
          { name: 'connector', type: 'string' },
          { name: 'name', type: 'string' },
          { name: 'ts_ms', type: 'long' },
          { name: 'snapshot', ...optional(named('string', 'io.debezium.data.Enum')) },
          { name: 'db', type: 'string' },
          { name: 'table', ...optional('string') },
          { name: 'server_id', type: 'long' },
          { name: 'file', type: 'string' },
          { name: 'pos', type: 'long' },
          { name: 'row', type: 'int' },
        ],
      },
    },
    { name: 'transaction', ...optional({ type: 'record', name: 'block', namespace: 'event', fields: [{ name: 'id', type: 'string' }] }) },
    { name: 'op', type: 'string' },
    { name: 'ts_ms', ...optional('long') },
  ],
};

export type AvroChangeEncoder = (size: number, count: number, from: number, to: number, nowMs: number) => { key: Buffer; value: Buffer }[];

async function registerSchema(registryUrl: string, subject: string, schema: unknown): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  if (!response.ok)
    throw new Error(`registering ${subject} in the schema registry failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** Exact DECIMAL as Avro's decimal logical type: the unscaled value, big-endian two's complement. */
function unscaledBytes(text: string): Buffer {
  const hex = BigInt(text.replace('.', '')).toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

const avroImage = (image: Record<string, unknown> | null) =>
  image === null ? null : { ...image, price: unscaledBytes(String(image['price'])) };

/** Registers the schemas (idempotent: same content, same id) and returns the encoder of C1's events. */
export async function avroChangeEncoder(registryUrl: string, topic: string): Promise<AvroChangeEncoder> {
  const [keyId, valueId] = [
    await registerSchema(registryUrl, `${topic}-key`, keySchema),
    await registerSchema(registryUrl, `${topic}-value`, valueSchema),
  ];
  const [keyType, valueType] = [compileAvroSchema(keySchema).type, compileAvroSchema(valueSchema).type];
  const encode = ({ id, envelope }: CdcEvent) => ({
    key: framed(keyId, keyType.toBuffer({ id })),
    value: framed(valueId, valueType.toBuffer({ ...envelope, before: avroImage(envelope.before), after: avroImage(envelope.after) })),
  });
  return (size, count, from, to, nowMs) => productChangeEvents(size, count, from, to, nowMs).map(encode);
}

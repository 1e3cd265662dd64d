import { compileAvroSchema } from '../../../src/sync/decoders/avro-values.js';
import type { EncodedBytes, HistoryStep, ProductState } from './product-changes.js';

/**
 * The product history as Debezium's Avro connector writes it (Apicurio's converter in Confluent
 * mode, decimal.handling.mode=precise): the schemas below are the ones the real connector
 * registers for shop.products, trimmed to the fields the gateway reads.
 */
const decimal = {
  type: 'bytes',
  scale: 2,
  precision: 12,
  'connect.version': 1,
  'connect.parameters': { scale: '2', 'connect.decimal.precision': '12' },
  'connect.name': 'org.apache.kafka.connect.data.Decimal',
  logicalType: 'decimal',
};
const named = (type: string, name: string) => ({ type, 'connect.version': 1, 'connect.name': name });

export const productKeySchema = {
  type: 'record',
  name: 'Key',
  namespace: 'shopavro.shop.products',
  fields: [{ name: 'id', type: 'long' }],
  'connect.name': 'shopavro.shop.products.Key',
};

export const productValueSchema = {
  type: 'record',
  name: 'Envelope',
  namespace: 'shopavro.shop.products',
  'connect.name': 'shopavro.shop.products.Envelope',
  fields: [
    {
      name: 'before',
      default: null,
      type: [
        'null',
        {
          type: 'record',
          name: 'Value',
          'connect.name': 'shopavro.shop.products.Value',
          fields: [
            { name: 'id', type: 'long' },
            { name: 'sku', type: 'string' },
            { name: 'name', type: 'string' },
            { name: 'description', type: ['null', 'string'], default: null },
            { name: 'category_id', type: 'long' },
            { name: 'brand', type: 'string' },
            { name: 'price', type: decimal },
            { name: 'stock', type: { type: 'int', 'connect.default': 0 }, default: 0 },
            {
              name: 'status',
              type: { ...named('string', 'io.debezium.data.Enum'), 'connect.parameters': { allowed: 'active,draft,archived' } },
            },
            { name: 'is_featured', type: { type: 'int', 'connect.type': 'int16' } },
            { name: 'tags', type: named('string', 'io.debezium.data.Json') },
            { name: 'attributes', type: ['null', named('string', 'io.debezium.data.Json')], default: null },
            { name: 'created_at', type: named('long', 'io.debezium.time.Timestamp') },
            { name: 'updated_at', type: named('string', 'io.debezium.time.ZonedTimestamp') },
          ],
        },
      ],
    },
    { name: 'after', type: ['null', 'Value'], default: null },
    {
      name: 'source',
      type: {
        type: 'record',
        name: 'Source',
        namespace: 'io.debezium.connector.mariadb',
        'connect.name': 'io.debezium.connector.mariadb.Source',
        fields: [
          { name: 'version', type: 'string' },
          { name: 'connector', type: 'string' },
          { name: 'name', type: 'string' },
          { name: 'ts_ms', type: 'long' },
          { name: 'snapshot', type: [named('string', 'io.debezium.data.Enum'), 'null'], default: 'false' },
          { name: 'db', type: 'string' },
          { name: 'table', type: ['null', 'string'], default: null },
          { name: 'server_id', type: 'long' },
          { name: 'gtid', type: ['null', 'string'], default: null },
          { name: 'file', type: 'string' },
          { name: 'pos', type: 'long' },
          { name: 'row', type: 'int' },
        ],
      },
    },
    { name: 'op', type: 'string' },
    { name: 'ts_ms', type: ['null', 'long'], default: null },
  ],
};

const unscaled = (text: string) => {
  const value = BigInt(text.replace('.', ''));
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
};

const epochMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

function avroRow(row: ProductState) {
  return {
    ...row,
    price: unscaled(row.price),
    tags: JSON.stringify(row.tags),
    attributes: row.attributes === null ? null : JSON.stringify(row.attributes),
    created_at: epochMs(row.created_at),
    updated_at: new Date(epochMs(row.updated_at)).toISOString(),
  };
}

function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** The same binlog coordinates encodeDebezium uses, so both carry the same row versions. */
export function encodeDebeziumAvro(history: readonly HistoryStep[], keySchemaId: number, valueSchemaId: number): EncodedBytes[] {
  const [keyType, valueType] = [compileAvroSchema(productKeySchema).type, compileAvroSchema(productValueSchema).type];
  const messages: EncodedBytes[] = [];
  let pos = 1000;
  const key = (id: number) => framed(keySchemaId, keyType.toBuffer({ id }));
  const emit = (op: 'c' | 'u' | 'd', id: number, before: ProductState | null, after: ProductState | null, row: number) => {
    const source = {
      version: '3.2.0.Final',
      connector: 'mariadb',
      name: 'shopavro',
      ts_ms: 1_740_900_000_000,
      snapshot: 'false',
      db: 'shop',
      table: 'products',
      server_id: 1,
      gtid: null,
      file: 'mariadb-bin.000007',
      pos,
      row,
    };
    const value = {
      before: before === null ? null : avroRow(before),
      after: after === null ? null : avroRow(after),
      source,
      op,
      ts_ms: 1_740_900_000_000,
    };
    messages.push({ key: key(id), value: framed(valueSchemaId, valueType.toBuffer(value)) });
    if (op === 'd') messages.push({ key: key(id), value: null });
  };
  for (const step of history) {
    pos += 500;
    step.rows.forEach((entry, row) => {
      if (step.op === 'insert') emit('c', (entry as ProductState).id, null, entry as ProductState, row);
      else if (step.op === 'update')
        emit(
          'u',
          (entry as { after: ProductState }).after.id,
          (entry as { before: ProductState }).before,
          (entry as { after: ProductState }).after,
          row,
        );
      else emit('d', (entry as ProductState).id, entry as ProductState, null, row);
    });
  }
  return messages;
}

/** Registers a schema under a subject through the registry's Confluent API; its id, as producers get it. */
export async function registerSchema(registryUrl: string, subject: string, schema: unknown): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  if (!response.ok) throw new Error(`registering ${subject} failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

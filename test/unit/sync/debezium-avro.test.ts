import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { productEntity } from '../../../src/schema/product.type.js';
import type { RawMessage, RowChange } from '../../../src/sync/change.js';
import { compileAvroSchema } from '../../../src/sync/decoders/avro-values.js';
import { decodeDebeziumAvroMessage, schemaIdsOf } from '../../../src/sync/decoders/debezium-avro.js';
import { decodeMessage } from '../../../src/sync/decoders/detect.js';
import { normalizeRow } from '../../../src/rows/normalize-row.js';
import type { AvroSchemaLookup } from '../../../src/sync/schema-registry-client.js';
import { capturedAvroMessages, capturedJsonMessages, capturedSchemas } from './avro-captured-messages.js';
import { assertGatewayError, onlyChange, onlyRowChange } from './message-fixtures.js';

/** A lookup over schemas held in memory, as the registry client holds them after a prefetch. */
function lookupOf(schemas: Readonly<Record<number, unknown>>): AvroSchemaLookup {
  const compiled = new Map(Object.entries(schemas).map(([id, schema]) => [Number(id), compileAvroSchema(schema)]));
  return {
    schemaById: (id) => {
      const schema = compiled.get(id);
      return schema === undefined ? { problem: `schema id ${id} does not exist in the schema registry (404)` } : { schema };
    },
  };
}

const capturedLookup = lookupOf(Object.fromEntries(Object.entries(capturedSchemas).map(([id, text]) => [id, JSON.parse(text) as unknown])));

function raw(key: Buffer | null, value: Buffer | null, offset = 0): RawMessage {
  return { topic: 'shopavro.shop.products', partition: 0, offset: String(offset), key, value, headers: {} };
}

const hex = (text: string | null) => (text === null ? null : Buffer.from(text, 'hex'));
const utf8 = (text: string | null) => (text === null ? null : Buffer.from(text, 'utf8'));

/** Confluent framing: magic byte 0, the schema id big-endian, then the Avro body. */
function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * A change as the stores receive it: images normalized by the entity's column types (the JSON
 * connector's bare values get their types there), and without the format label.
 */
const asApplied = (change: RowChange) => ({
  ...change,
  format: undefined,
  key: normalizeRow(change.key, productEntity.columns),
  before: change.before === null ? null : normalizeRow(change.before, productEntity.columns),
  after: change.after === null ? null : normalizeRow(change.after, productEntity.columns),
});

describe('decodeDebeziumAvroMessage on messages captured from the Avro connector', () => {
  const avro = capturedAvroMessages.map((message, index) =>
    decodeDebeziumAvroMessage(raw(hex(message.key), hex(message.value), index), capturedLookup),
  );
  const json = capturedJsonMessages.map((message, index) => decodeMessage(raw(utf8(message.key), utf8(message.value), index), 'debezium'));

  it('decodes the create, update and delete into the very changes the JSON connector gives, versions included', () => {
    for (let index = 0; index < 3; index += 1) {
      const fromAvro = onlyRowChange(avro[index]!);
      const fromJson = onlyRowChange(json[index]!);
      assert.equal(fromAvro.format, 'debezium-avro');
      assert.deepEqual(asApplied(fromAvro), asApplied(fromJson), `event ${index}`);
    }
    assert.deepEqual(
      avro.slice(0, 3).map((changes) => onlyRowChange(changes).op),
      ['create', 'update', 'delete'],
    );
  });

  it('keeps an unsigned BIGINT beyond 2^53 exact, as the canonical decimal text', () => {
    const created = onlyRowChange(avro[0]!);
    assert.deepEqual(created.key, { id: '9007199254740993' });
    assert.equal(created.after?.['id'], '9007199254740993');
  });

  it('reads DECIMAL logical types exactly, with the column scale', () => {
    assert.equal(onlyRowChange(avro[0]!).after?.['price'], '12.30');
    assert.equal(onlyRowChange(avro[1]!).after?.['price'], '99999999.99');
  });

  it('reads nullable unions as null or their value, and DATETIME(3) / TIMESTAMP(3) with milliseconds', () => {
    const updated = onlyRowChange(avro[1]!);
    assert.equal(updated.before?.['description'], null);
    assert.equal(updated.after?.['description'], '长 description');
    assert.equal(updated.after?.['attributes'], null);
    assert.equal(updated.after?.['created_at'], '2025-03-01T10:15:30.123Z');
    assert.match(updated.after?.['updated_at'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('ignores the tombstone after the delete', () => {
    assert.deepEqual(onlyChange(avro[3]!), { kind: 'ignore', format: 'debezium-avro', reason: 'tombstone' });
  });

  it('is chosen by auto-detection from the magic byte, JSON messages still going to their decoders', () => {
    const message = capturedAvroMessages[1]!;
    const detected = onlyRowChange(decodeMessage(raw(hex(message.key), hex(message.value)), 'auto', capturedLookup));
    assert.equal(detected.format, 'debezium-avro');
    const jsonMessage = capturedJsonMessages[1]!;
    assert.equal(
      onlyRowChange(decodeMessage(raw(utf8(jsonMessage.key), utf8(jsonMessage.value)), 'auto', capturedLookup)).format,
      'debezium',
    );
  });

  it('lists the schema ids of keys and values, so a batch fetches each once', () => {
    const messages = capturedAvroMessages.map((message) => ({ key: hex(message.key), value: hex(message.value) }));
    assert.deepEqual([...schemaIdsOf(messages)].sort(), [5, 6]);
    assert.deepEqual([...schemaIdsOf([{ key: utf8('{"id":1}'), value: utf8('{"op":"c"}') }])], []);
  });
});

describe('decodeDebeziumAvroMessage on schemas it has to evolve with', () => {
  const keySchema = { type: 'record', name: 'Key', namespace: 'it.shop.t', fields: [{ name: 'id', type: 'long' }] };
  const source = {
    type: 'record',
    name: 'Source',
    namespace: 'io.debezium.connector.mariadb',
    fields: [
      { name: 'ts_ms', type: 'long' },
      { name: 'db', type: 'string' },
      { name: 'table', type: ['null', 'string'], default: null },
      { name: 'file', type: 'string' },
      { name: 'pos', type: 'long' },
      { name: 'row', type: 'int' },
    ],
  };
  const valueFields = [
    { name: 'id', type: 'long' },
    {
      name: 'amount',
      type: [
        'null',
        {
          type: 'bytes',
          logicalType: 'decimal',
          precision: 14,
          scale: 4,
          'connect.name': 'org.apache.kafka.connect.data.Decimal',
          'connect.parameters': { scale: '4' },
        },
      ],
      default: null,
    },
    { name: 'at', type: { type: 'long', 'connect.name': 'io.debezium.time.MicroTimestamp' } },
  ];
  const envelope = (fields: unknown[]) => ({
    type: 'record',
    name: 'Envelope',
    namespace: 'it.shop.t',
    fields: [
      { name: 'before', type: ['null', { type: 'record', name: 'Value', fields }], default: null },
      { name: 'after', type: ['null', 'Value'], default: null },
      { name: 'source', type: source },
      { name: 'op', type: 'string' },
    ],
  });
  const v1 = envelope(valueFields);
  const v2 = envelope([...valueFields, { name: 'note', type: ['null', 'string'], default: null }]);
  const schemas = lookupOf({ 1: keySchema, 2: v1, 3: v2 });
  const encode = (id: number, schema: unknown, value: unknown) => framed(id, compileAvroSchema(schema).type.toBuffer(value));
  const unscaled = (value: bigint) => Buffer.from(value.toString(16).padStart(12, '0'), 'hex');
  const sourceAt = (pos: number) => ({ ts_ms: 1_740_824_162_000, db: 'shop', table: 't', file: 'mariadb-bin.000004', pos, row: 0 });

  it('decodes messages of the old and the new schema side by side, the new column included (µs time to canonical ms)', () => {
    const before = encode(2, v1, {
      before: null,
      after: { id: 7, amount: unscaled(1_234_567n), at: 1_740_824_162_123_456 },
      source: sourceAt(100),
      op: 'c',
    });
    const after = encode(3, v2, {
      before: null,
      after: { id: 7, amount: null, at: 1_740_824_163_000_001, note: '新列' },
      source: sourceAt(200),
      op: 'u',
    });
    const first = onlyRowChange(decodeDebeziumAvroMessage(raw(encode(1, keySchema, { id: 7 }), before), schemas));
    const second = onlyRowChange(decodeDebeziumAvroMessage(raw(encode(1, keySchema, { id: 7 }), after), schemas));
    assert.deepEqual(first.after, { id: 7, amount: '123.4567', at: '2025-03-01T10:16:02.123Z' });
    assert.deepEqual(second.after, { id: 7, amount: null, at: '2025-03-01T10:16:03.000Z', note: '新列' });
    assert.ok(second.version > first.version, 'the later binlog position is the higher version');
  });

  it('names a schema id the registry does not have, so the message is dead-lettered with the reason', () => {
    const message = raw(encode(1, keySchema, { id: 7 }), framed(99, Buffer.from([0])));
    assertGatewayError(
      () => decodeDebeziumAvroMessage(message, schemas),
      'CDC_DECODE_FAILED',
      /schema id 99 does not exist/,
      /shopavro\.shop\.products\[0\]@0/,
    );
  });

  it('rejects bytes that do not match their schema instead of decoding garbage', () => {
    const message = raw(encode(1, keySchema, { id: 7 }), framed(2, Buffer.from([0x02, 0xff])));
    assertGatewayError(() => decodeDebeziumAvroMessage(message, schemas), 'CDC_DECODE_FAILED', /does not match its schema id 2/);
  });

  it('rejects a configured debezium-avro topic carrying JSON', () => {
    assertGatewayError(
      () => decodeMessage(raw(utf8('{"id":1}'), utf8('{"op":"c"}')), 'debezium-avro', schemas),
      'CDC_DECODE_FAILED',
      /not in the Confluent Avro wire format/,
    );
  });
});

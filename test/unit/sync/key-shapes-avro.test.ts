import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawMessage } from '../../../src/sync/change.js';
import { compileAvroSchema } from '../../../src/sync/decoders/avro-values.js';
import { decodeDebeziumAvroMessage } from '../../../src/sync/decoders/debezium-avro.js';
import { prepareBatch } from '../../../src/sync/prepare-batch.js';
import type { AvroSchemaLookup } from '../../../src/sync/schema-registry-client.js';
import { HUGE, HUGE_AS_LONG, registry, UUID, UUID_BYTES } from './key-shape-fixtures.js';
import { rowChanges } from './message-fixtures.js';

/** Debezium Avro: key and envelope schemas as the Apicurio converter registers them (trimmed to what matters). */
describe('key shapes from Debezium Avro', () => {
  const sourceSchema = {
    type: 'record',
    name: 'Source',
    namespace: 'io.debezium.connector.mysql',
    fields: ['db', 'table', 'file']
      .map((name) => ({ name, type: 'string' }))
      .concat(['pos', 'row', 'ts_ms'].map((name) => ({ name, type: 'long' }))),
  };
  const schemaFor = (keyFields: readonly { name: string; type: string }[]) => {
    const value = { type: 'record', name: 'Value', fields: [...keyFields, { name: 'label', type: 'string' }] };
    const envelope = {
      type: 'record',
      name: 'Envelope',
      fields: [
        { name: 'before', type: ['null', value], default: null },
        { name: 'after', type: ['null', 'Value'], default: null },
        { name: 'source', type: sourceSchema },
        { name: 'op', type: 'string' },
        { name: 'ts_ms', type: ['null', 'long'], default: null },
      ],
    };
    return { key: { type: 'record', name: 'Key', fields: keyFields }, envelope };
  };

  function avroMessage(table: string, keyFields: readonly { name: string; type: string }[], key: Record<string, unknown>): RawMessage {
    const schemas = schemaFor(keyFields);
    const keyType = compileAvroSchema(schemas.key).type;
    const valueType = compileAvroSchema(schemas.envelope).type;
    const sourceValue = { db: 'shop', table, file: 'mariadb-bin.000004', pos: 1000, row: 0, ts_ms: 1_740_824_162_000 };
    const value = { before: null, after: { ...key, label: 'x' }, source: sourceValue, op: 'c', ts_ms: 1_740_824_162_517 };
    const framed = (id: number, body: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
    return {
      topic: `shopavro.shop.${table}`,
      partition: 0,
      offset: '0',
      key: framed(1, keyType.toBuffer(key)),
      value: framed(2, valueType.toBuffer(value)),
      headers: {},
    };
  }

  function decodedWith(table: string, keyFields: readonly { name: string; type: string }[], key: Record<string, unknown>) {
    const schemas = schemaFor(keyFields);
    const compiled = new Map([
      [1, compileAvroSchema(schemas.key)],
      [2, compileAvroSchema(schemas.envelope)],
    ]);
    const lookup: AvroSchemaLookup = {
      schemaById: (id) => {
        const schema = compiled.get(id);
        return schema === undefined ? { problem: `no schema ${id}` } : { schema };
      },
    };
    const message = avroMessage(table, keyFields, key);
    const changes = rowChanges(decodeDebeziumAvroMessage(message, lookup)).map((change) => ({ change, message }));
    return prepareBatch(changes, registry);
  }

  it('routes a BINARY(16) key sent as Avro bytes', () => {
    const batch = decodedWith('binary_keyed', [{ name: 'id', type: 'bytes' }], { id: UUID_BYTES });
    assert.deepEqual(batch.rejected, []);
    assert.equal(batch.batch.changes[0]?.id, UUID);
  });

  it('routes an unsigned BIGINT beyond 2^63 sent as a wrapped Avro long', () => {
    const batch = decodedWith('unsigned_keyed', [{ name: 'id', type: 'long' }], { id: HUGE_AS_LONG });
    assert.deepEqual(batch.rejected, []);
    assert.equal(batch.batch.changes[0]?.id, HUGE);
  });

  it('routes CHAR(36) and composite keys sent as Avro strings and ints', () => {
    const text = decodedWith('text_keyed', [{ name: 'id', type: 'string' }], { id: UUID.toUpperCase() });
    assert.equal(text.batch.changes[0]?.id, UUID);
    const composite = decodedWith(
      'composite_keyed',
      [
        { name: 'group_id', type: 'int' },
        { name: 'member_code', type: 'string' },
      ],
      { group_id: 7, member_code: 'm' },
    );
    assert.equal(composite.batch.changes[0]?.id, '["7","m"]');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDebeziumMessage } from '../../../src/sync/decoders/debezium.js';
import { binlogVersion } from '../../../src/rows/row-version.js';
import { assertGatewayError, onlyChange, onlyRowChange, rawMessage } from './message-fixtures.js';

const source = (overrides: Record<string, unknown> = {}) => ({
  version: '3.0.8.Final',
  connector: 'mariadb',
  name: 'shop',
  ts_ms: 1_740_824_162_000,
  snapshot: 'false',
  db: 'shop',
  table: 'products',
  server_id: 1,
  gtid: '0-1-1875',
  file: 'mariadb-bin.000004',
  pos: 35210,
  row: 0,
  ...overrides,
});

const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ field: name, type, optional: true, ...extra });

describe('decodeDebeziumMessage without schemas', () => {
  it('decodes an update with key, both images, binlog version and commit time', () => {
    const change = onlyRowChange(
      decodeDebeziumMessage(
        rawMessage({
          key: { id: 42 },
          value: {
            before: { id: 42, name: 'Mug', price: '19.99' },
            after: { id: 42, name: 'Mug XL', price: '24.50' },
            source: source({ row: 2 }),
            op: 'u',
            ts_ms: 1_740_824_162_517,
            transaction: null,
          },
        }),
      ),
    );
    assert.deepEqual(change, {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: 'products',
      op: 'update',
      key: { id: 42 },
      after: { id: 42, name: 'Mug XL', price: '24.50' },
      before: { id: 42, name: 'Mug', price: '19.99' },
      version: binlogVersion('mariadb-bin.000004', 35210, 2),
      committedAtMs: 1_740_824_162_000,
      needsReread: false,
    });
  });

  it('passes values through unchanged for the normalizer to finish', () => {
    const after = { id: 1, updated_at: 1_740_824_130_123, created_at: '2025-03-01T10:15:30Z', attrs: '{"a":1}', active: 1 };
    const change = onlyRowChange(decodeDebeziumMessage(rawMessage({ key: { id: 1 }, value: { after, source: source(), op: 'c' } })));
    assert.deepEqual(change.after, after);
    assert.equal(change.before, null);
  });

  it('keeps a BIGINT key beyond 2^53 exact', () => {
    const change = onlyRowChange(
      decodeDebeziumMessage(
        rawMessage({
          key: '{"id":9007199254740993}',
          value: `{"after":{"id":9007199254740993},"source":${JSON.stringify(source())},"op":"c"}`,
        }),
      ),
    );
    assert.deepEqual(change.key, { id: '9007199254740993' });
    assert.deepEqual(change.after, { id: '9007199254740993' });
  });

  it('decodes a snapshot read as op read', () => {
    const value = { after: { id: 7 }, source: source({ snapshot: 'true' }), op: 'r' };
    assert.equal(onlyRowChange(decodeDebeziumMessage(rawMessage({ key: { id: 7 }, value }))).op, 'read');
  });

  it('ignores the tombstone that follows a delete', () => {
    assert.deepEqual(decodeDebeziumMessage(rawMessage({ key: { id: 42 }, value: null })), [
      { kind: 'ignore', format: 'debezium', reason: 'tombstone' },
    ]);
  });

  it('decodes a primary-key change as delete, tombstone and create', () => {
    const oldKey = { id: 42 };
    const newKey = { id: 43 };
    const messages = [
      rawMessage({
        key: oldKey,
        value: { before: { id: 42, name: 'Mug' }, after: null, source: source(), op: 'd' },
        headers: { '__debezium.newkey': JSON.stringify(newKey) },
      }),
      rawMessage({ key: oldKey, value: null }),
      rawMessage({
        key: newKey,
        value: { before: null, after: { id: 43, name: 'Mug' }, source: source(), op: 'c' },
        headers: { '__debezium.oldkey': JSON.stringify(oldKey) },
      }),
    ];
    const [deleted, tombstone, created] = messages.map((msg) => onlyChange(decodeDebeziumMessage(msg)));
    assert.ok(deleted?.kind === 'row' && created?.kind === 'row');
    assert.deepEqual([deleted.op, deleted.key, deleted.after], ['delete', oldKey, null]);
    assert.equal(tombstone?.kind, 'ignore');
    assert.deepEqual([created.op, created.key], ['create', newKey]);
  });

  it('decodes a truncate without key or images', () => {
    const change = onlyChange(decodeDebeziumMessage(rawMessage({ value: { source: source({ pos: 40000 }), op: 't' } })));
    assert.deepEqual(change, {
      kind: 'truncate',
      format: 'debezium',
      database: 'shop',
      table: 'products',
      version: binlogVersion('mariadb-bin.000004', 40000, 0),
      committedAtMs: 1_740_824_162_000,
    });
  });

  it('ignores transaction BEGIN and END markers', () => {
    const value = { status: 'BEGIN', id: '0-1-1875', ts_ms: 1, event_count: null, data_collections: null };
    assert.equal(onlyChange(decodeDebeziumMessage(rawMessage({ topic: 'shop.transaction', value }))).kind, 'ignore');
  });

  it('turns a schema-change event into a SchemaChange naming the table', () => {
    const value = {
      source: source(),
      databaseName: 'shop',
      schemaName: null,
      ddl: 'ALTER TABLE products ADD COLUMN color VARCHAR(20)',
      tableChanges: [{ type: 'ALTER', id: '"shop"."products"', table: {} }],
    };
    assert.deepEqual(onlyChange(decodeDebeziumMessage(rawMessage({ topic: 'shop', value }))), {
      kind: 'schema',
      format: 'debezium',
      database: 'shop',
      table: 'products',
      ddl: 'ALTER TABLE products ADD COLUMN color VARCHAR(20)',
      committedAtMs: 1_740_824_162_000,
    });
  });

  it('fails with the message coordinates when the value is not JSON', () => {
    const msg = rawMessage({ value: '{"op":', topic: 'shop.shop.products', partition: 3, offset: 1234 });
    assertGatewayError(() => decodeDebeziumMessage(msg), 'CDC_DECODE_FAILED', /shop\.shop\.products\[3\]@1234/, /not valid JSON/);
  });

  it('fails when the binlog coordinates are missing', () => {
    const value = { after: { id: 1 }, source: source({ file: undefined }), op: 'c' };
    assertGatewayError(() => decodeDebeziumMessage(rawMessage({ key: { id: 1 }, value })), 'CDC_DECODE_FAILED', /"file"/);
  });

  it('fails on a row event without a key', () => {
    const value = { after: { id: 1 }, source: source(), op: 'c' };
    assertGatewayError(() => decodeDebeziumMessage(rawMessage({ value })), 'CDC_DECODE_FAILED', /without a key/);
  });
});

describe('decodeDebeziumMessage with schemas', () => {
  const rowSchema = {
    type: 'struct',
    name: 'shop.shop.products.Value',
    optional: true,
    fields: [
      field('id', 'int32', { optional: false }),
      field('price', 'bytes', {
        name: 'org.apache.kafka.connect.data.Decimal',
        parameters: { scale: '2', 'connect.decimal.precision': '12' },
      }),
      field('rate', 'struct', { name: 'io.debezium.data.VariableScaleDecimal', fields: [] }),
      field('updated_at', 'int64', { name: 'io.debezium.time.Timestamp' }),
      field('seen_at', 'int64', { name: 'io.debezium.time.MicroTimestamp' }),
      field('created_at', 'string', { name: 'io.debezium.time.ZonedTimestamp' }),
      field('born_on', 'int32', { name: 'io.debezium.time.Date' }),
      field('opens_at', 'int64', { name: 'io.debezium.time.MicroTime' }),
      field('attrs', 'string', { name: 'io.debezium.data.Json' }),
      field('flags', 'bytes', { name: 'io.debezium.data.Bits', parameters: { length: '16' } }),
      field('photo', 'bytes'),
    ],
  };
  const envelopeSchema = {
    type: 'struct',
    name: 'shop.shop.products.Envelope',
    fields: [{ ...rowSchema, field: 'before' }, { ...rowSchema, field: 'after' }, field('source', 'struct'), field('op', 'string')],
  };
  const keySchema = { type: 'struct', name: 'shop.shop.products.Key', fields: [field('id', 'int32', { optional: false })] };

  const decodeAfter = (after: Record<string, unknown>) =>
    onlyRowChange(
      decodeDebeziumMessage(
        rawMessage({
          key: { schema: keySchema, payload: { id: 42 } },
          value: { schema: envelopeSchema, payload: { before: null, after, source: source(), op: 'c' } },
        }),
      ),
    );

  it('decodes a base64 DECIMAL with the scale from the schema', () => {
    assert.equal(decodeAfter({ id: 42, price: 'B88=' }).after?.['price'], '19.99');
  });

  it('decodes a negative base64 DECIMAL as two’s complement', () => {
    assert.equal(decodeAfter({ id: 42, price: '+DE=' }).after?.['price'], '-19.99');
  });

  it('decodes a VariableScaleDecimal', () => {
    assert.equal(decodeAfter({ id: 42, rate: { scale: 4, value: 'ALxhTg==' } }).after?.['rate'], '1234.5678');
  });

  it('decodes epoch milliseconds and truncates epoch microseconds to ISO UTC', () => {
    const after = decodeAfter({ id: 42, updated_at: 1_740_824_130_123, seen_at: 1_740_824_130_123_999 }).after;
    assert.equal(after?.['updated_at'], '2025-03-01T10:15:30.123Z');
    assert.equal(after?.['seen_at'], '2025-03-01T10:15:30.123Z');
  });

  it('decodes zoned timestamps, pre-1970 days and microsecond times', () => {
    const after = decodeAfter({ id: 42, created_at: '2025-03-01T10:15:30Z', born_on: -25567, opens_at: 36_930_000_000 }).after;
    assert.equal(after?.['created_at'], '2025-03-01T10:15:30.000Z');
    assert.equal(after?.['born_on'], '1900-01-01');
    assert.equal(after?.['opens_at'], '10:15:30');
  });

  it('parses JSON columns, turns little-endian bits big-endian and keeps bytes as base64', () => {
    const after = decodeAfter({ id: 42, attrs: '{"color":"红"}', flags: Buffer.from([0x01]).toString('base64'), photo: 'AP8=' }).after;
    assert.deepEqual(after?.['attrs'], { color: '红' });
    assert.equal(after?.['flags'], Buffer.from([0x00, 0x01]).toString('base64'));
    assert.equal(after?.['photo'], 'AP8=');
  });

  it('takes the key from the key payload', () => {
    assert.deepEqual(decodeAfter({ id: 42 }).key, { id: 42 });
  });

  it('names the field whose logical value cannot be decoded', () => {
    assertGatewayError(() => decodeAfter({ id: 42, price: '%%%' }), 'CDC_DECODE_FAILED', /field "price"/, /Decimal/);
  });
});

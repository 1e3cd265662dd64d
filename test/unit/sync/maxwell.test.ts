import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMaxwellMessage } from '../../../src/sync/decoders/maxwell.js';
import { binlogVersion } from '../../../src/rows/row-version.js';
import { assertGatewayError, onlyChange, onlyRowChange, rawMessage, rowChanges } from './message-fixtures.js';

const maxwellRow = (overrides: Record<string, unknown>) => ({
  database: 'shop',
  table: 'products',
  type: 'insert',
  ts: 1_740_824_162,
  xid: 940753,
  xoffset: 0,
  position: 'binlog.000004:35210',
  data: { id: 42, name: 'Mug', price: 19.99 },
  ...overrides,
});

const hashKey = { database: 'shop', table: 'products', 'pk.id': 42 };

const decode = (value: unknown, key: unknown = hashKey) => decodeMaxwellMessage(rawMessage({ topic: 'maxwell', offset: 5, key, value }));

describe('decodeMaxwellMessage', () => {
  it('decodes an insert with the key from the default Kafka key and the binlog position as version', () => {
    const change = onlyRowChange(decode(maxwellRow({ xoffset: 3 })));
    assert.deepEqual(change, {
      kind: 'row',
      format: 'maxwell',
      database: 'shop',
      table: 'products',
      op: 'create',
      key: { id: 42 },
      after: { id: 42, name: 'Mug', price: 19.99 },
      before: null,
      version: binlogVersion('binlog.000004', 35210, 3),
      committedAtMs: 1_740_824_162_000,
      needsReread: false,
    });
  });

  it('overlays the partial old on the data for the before-image of an update', () => {
    const change = onlyRowChange(
      decode(maxwellRow({ type: 'update', data: { id: 42, name: 'Mug XL', price: 24.5 }, old: { name: 'Mug' } })),
    );
    assert.deepEqual(change.before, { id: 42, name: 'Mug', price: 24.5 });
    assert.deepEqual(change.after, { id: 42, name: 'Mug XL', price: 24.5 });
  });

  it('reports a delete with the deleted row as before-image', () => {
    const change = onlyRowChange(decode(maxwellRow({ type: 'delete' })));
    assert.deepEqual([change.op, change.after, change.before?.['name']], ['delete', null, 'Mug']);
  });

  it('reads the array key format', () => {
    const change = onlyRowChange(decode(maxwellRow({}), ['shop', 'products', [{ id: 42 }]]));
    assert.deepEqual(change.key, { id: 42 });
  });

  it('maps the lowercased key names of the Kafka key back to the column spelling', () => {
    const value = maxwellRow({ data: { shopId: 1, productId: 42, name: 'Mug' } });
    const change = onlyRowChange(decode(value, { database: 'shop', table: 'products', 'pk.shopid': 1, 'pk.productid': 42 }));
    assert.deepEqual(change.key, { shopId: 1, productId: 42 });
  });

  it('falls back to primary_key_columns when the message has no key', () => {
    const change = onlyRowChange(decode(maxwellRow({ primary_key_columns: ['id'], primary_key: [42] }), null));
    assert.deepEqual(change.key, { id: 42 });
  });

  it('fails when neither the Kafka key nor the value names the primary key', () => {
    assertGatewayError(() => decode(maxwellRow({}), null), 'CDC_DECODE_FAILED', /maxwell\[0\]@5/, /no primary key/);
    assertGatewayError(
      () => decode(maxwellRow({}), { database: 'shop', table: 'products', _uuid: 'x' }),
      'CDC_DECODE_FAILED',
      /no primary key/,
    );
  });

  it('explains that the version needs output_binlog_position', () => {
    assertGatewayError(() => decode(maxwellRow({ position: undefined })), 'CDC_DECODE_FAILED', /output_binlog_position/);
  });

  it('versions the commit row, which has no xoffset, at row index 0', () => {
    const change = onlyRowChange(decode(maxwellRow({ xoffset: undefined, commit: true })));
    assert.equal(change.version, binlogVersion('binlog.000004', 35210, 0));
  });

  it('accepts xoffsets of transactions larger than 2^14 rows', () => {
    const change = onlyRowChange(decode(maxwellRow({ xoffset: 20_000 })));
    assert.equal(change.version, binlogVersion('binlog.000004', 35210, 20_000 % 16_384));
  });

  it('keeps a DECIMAL with more digits than a double holds exact', () => {
    const value = JSON.stringify(maxwellRow({})).replace('"price":19.99', '"price":12345678901234567.89');
    assert.equal(onlyRowChange(decode(value)).after?.['price'], '12345678901234567.89');
  });

  it('decodes bootstrap rows as reads and ignores bootstrap markers', () => {
    assert.equal(onlyRowChange(decode(maxwellRow({ type: 'bootstrap-insert', xoffset: undefined }))).op, 'read');
    assert.equal(onlyChange(decode({ database: 'shop', table: 'products', type: 'bootstrap-start', ts: 1, data: {} })).kind, 'ignore');
  });

  it('turns table and database DDL into SchemaChange', () => {
    const alter = onlyChange(
      decode({
        type: 'table-alter',
        database: 'shop',
        table: 'products',
        sql: 'ALTER TABLE products ADD c INT',
        ts: 1_740_824_162,
        position: 'binlog.000004:4',
      }),
    );
    assert.deepEqual(alter, {
      kind: 'schema',
      format: 'maxwell',
      database: 'shop',
      table: 'products',
      ddl: 'ALTER TABLE products ADD c INT',
      committedAtMs: 1_740_824_162_000,
    });
    const created = onlyChange(decode({ type: 'database-create', database: 'shop2', sql: 'CREATE DATABASE shop2', ts: 1_740_824_162 }));
    assert.ok(created.kind === 'schema' && created.table === null);
  });

  it('splits an update that changes the primary key into delete and create', () => {
    const value = maxwellRow({ type: 'update', data: { id: 43, name: 'Mug' }, old: { id: 42 } });
    const changes = rowChanges(decode(value, { database: 'shop', table: 'products', 'pk.id': 43 }));
    assert.deepEqual(
      changes.map((change) => [change.op, change.key]),
      [
        ['delete', { id: 42 }],
        ['create', { id: 43 }],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCanalMessage } from '../../../src/sync/decoders/canal.js';
import { canalVersion } from '../../../src/rows/row-version.js';
import { assertGatewayError, onlyChange, onlyRowChange, rawMessage, rowChanges } from './message-fixtures.js';

const mysqlType = {
  id: 'int(11)',
  name: 'varchar(255)',
  price: 'decimal(10,2)',
  active: 'tinyint(1)',
  updated_at: 'datetime(3)',
  attrs: 'json',
  photo: 'blob',
  stock: 'bigint(20) unsigned',
};

const flatMessage = (overrides: Record<string, unknown>) => ({
  id: 3,
  database: 'shop',
  table: 'products',
  pkNames: ['id'],
  isDdl: false,
  type: 'INSERT',
  es: 1_740_824_162_000,
  ts: 1_740_824_162_611,
  sql: '',
  sqlType: { id: 4, name: 12, price: 3 },
  mysqlType,
  data: null,
  old: null,
  ...overrides,
});

const decode = (overrides: Record<string, unknown>, offset = 17) =>
  decodeCanalMessage(rawMessage({ topic: 'canal.shop', offset, value: flatMessage(overrides) }));

describe('decodeCanalMessage', () => {
  it('converts string values using mysqlType', () => {
    const row = {
      id: '42',
      name: '马克杯 ☕️',
      price: '19.9',
      active: '1',
      updated_at: '2025-03-01 10:15:30.123',
      attrs: '{"color":"红"}',
      photo: '\u0000\u00ff',
      stock: '18446744073709551615',
    };
    const change = onlyRowChange(decode({ data: [row] }));
    assert.deepEqual(change.after, {
      id: 42,
      name: '马克杯 ☕️',
      price: '19.90',
      active: 1,
      updated_at: '2025-03-01T10:15:30.123Z',
      attrs: { color: '红' },
      photo: 'AP8=',
      stock: '18446744073709551615',
    });
    assert.deepEqual([change.op, change.key, change.before], ['create', { id: 42 }, null]);
  });

  it('versions by execute second and Kafka offset, with es as commit time', () => {
    const change = onlyRowChange(decode({ data: [{ id: '42' }] }, 17));
    assert.equal(change.version, canalVersion(1_740_824_162_000, '17'));
    assert.equal(change.committedAtMs, 1_740_824_162_000);
  });

  it('turns a multi-row message into one change per row', () => {
    const changes = rowChanges(
      decode({
        data: [
          { id: '1', name: 'a' },
          { id: '2', name: 'b' },
          { id: '3', name: null },
        ],
      }),
    );
    assert.deepEqual(
      changes.map((change) => [change.key, change.after]),
      [
        [{ id: 1 }, { id: 1, name: 'a' }],
        [{ id: 2 }, { id: 2, name: 'b' }],
        [{ id: 3 }, { id: 3, name: null }],
      ],
    );
  });

  it('builds each before-image from its row overlaid with its partial old', () => {
    const changes = rowChanges(
      decode({
        type: 'UPDATE',
        data: [
          { id: '42', name: 'Mug XL', price: '24.50' },
          { id: '43', name: 'Cup', price: '5.00' },
        ],
        old: [{ name: 'Mug', price: '19.99' }, { price: '4.5' }],
      }),
    );
    assert.deepEqual(
      changes.map((change) => [change.op, change.before, change.after]),
      [
        ['update', { id: 42, name: 'Mug', price: '19.99' }, { id: 42, name: 'Mug XL', price: '24.50' }],
        ['update', { id: 43, name: 'Cup', price: '4.50' }, { id: 43, name: 'Cup', price: '5.00' }],
      ],
    );
  });

  it('reports the deleted row as before-image with no after-image', () => {
    const change = onlyRowChange(decode({ type: 'DELETE', data: [{ id: '42', name: 'Mug' }] }));
    assert.deepEqual([change.op, change.key, change.before, change.after], ['delete', { id: 42 }, { id: 42, name: 'Mug' }, null]);
  });

  it('splits an update of the primary key into a delete of the old key and a create of the new', () => {
    const changes = rowChanges(decode({ type: 'UPDATE', data: [{ id: '43', name: 'Mug' }], old: [{ id: '42' }] }));
    assert.deepEqual(
      changes.map((change) => [change.op, change.key]),
      [
        ['delete', { id: 42 }],
        ['create', { id: 43 }],
      ],
    );
  });

  it('turns DDL into a SchemaChange and TRUNCATE into a TruncateChange', () => {
    const ddl = onlyChange(decode({ isDdl: true, type: 'ALTER', sql: 'ALTER TABLE products ADD color INT', data: null }));
    assert.deepEqual(ddl, {
      kind: 'schema',
      format: 'canal',
      database: 'shop',
      table: 'products',
      ddl: 'ALTER TABLE products ADD color INT',
      committedAtMs: 1_740_824_162_000,
    });
    const truncate = onlyChange(decode({ isDdl: true, type: 'TRUNCATE', sql: 'TRUNCATE products' }));
    assert.equal(truncate.kind, 'truncate');
  });

  it('rejects an unknown type, even one named like an Object.prototype member', () => {
    assertGatewayError(() => decode({ type: 'toString', data: [] }), 'CDC_DECODE_FAILED', /unsupported type "toString"/);
  });

  it('fails without pkNames, naming the message', () => {
    assertGatewayError(() => decode({ pkNames: null, data: [{ id: '1' }] }), 'CDC_DECODE_FAILED', /canal\.shop\[0\]@17/, /pkNames/);
  });

  it('fails on a value its mysqlType cannot hold, naming the column', () => {
    assertGatewayError(() => decode({ data: [{ id: '1', price: 'cheap' }] }), 'CDC_DECODE_FAILED', /column "price"/, /"cheap"/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col } from '../../../src/rows/column-types.js';
import type { ColumnTypes } from '../../../src/rows/column-types.js';
import type { RawMessage, RowChange } from '../../../src/sync/change.js';
import type { Row } from '../../../src/rows/row.js';
import { decodeMessage } from '../../../src/sync/decoders/detect.js';
import { normalizeRow } from '../../../src/rows/normalize-row.js';
import { rawMessage, rowChanges } from './message-fixtures.js';

/*
 * One insert, one multi-column update and one delete of the same products row, written by hand in
 * every format the gateway reads. After normalizeRow with the same declarations, all of them must
 * say the same thing.
 */

const productColumns: ColumnTypes = {
  id: col.int(),
  name: col.string(),
  price: col.decimal(2),
  updated_at: col.datetime(3),
  created_at: col.timestamp(),
  attrs: col.json(),
  status: col.enum(),
  is_active: col.bool(),
  discontinued_at: col.datetime(),
};

/** The row's two states in the terms each tool uses for them. */
const states = [
  {
    name: '马克杯 ☕️ 🚀',
    price: '19.90',
    priceBase64: 'B8Y=', // unscaled 1990, big-endian
    updatedAtMs: 1_740_824_130_123,
    updatedAtText: '2025-03-01 10:15:30.123',
    attrsJson: '{"color":"红","sizes":[1,2]}',
    active: 1,
  },
  {
    name: '马克杯 XL ☕️',
    price: '24.50',
    priceBase64: 'CZI=', // unscaled 2450
    updatedAtMs: 1_740_902_405_456,
    updatedAtText: '2025-03-02 08:00:05.456',
    attrsJson: '{"color":"蓝","sizes":[1,2,3]}',
    active: 0,
  },
] as const;
type State = (typeof states)[number];
const [inserted, updated] = states;

const expectedRows: readonly Row[] = [
  {
    id: 42,
    name: '马克杯 ☕️ 🚀',
    price: '19.90',
    updated_at: '2025-03-01T10:15:30.123Z',
    created_at: '2025-03-01T10:15:30.000Z',
    attrs: { color: '红', sizes: [1, 2] },
    status: 'active',
    is_active: true,
    discontinued_at: null,
  },
  {
    id: 42,
    name: '马克杯 XL ☕️',
    price: '24.50',
    updated_at: '2025-03-02T08:00:05.456Z',
    created_at: '2025-03-01T10:15:30.000Z',
    attrs: { color: '蓝', sizes: [1, 2, 3] },
    status: 'active',
    is_active: false,
    discontinued_at: null,
  },
];

const expected = [
  { op: 'create', key: { id: 42 }, before: null, after: expectedRows[0] },
  { op: 'update', key: { id: 42 }, before: expectedRows[0], after: expectedRows[1] },
  { op: 'delete', key: { id: 42 }, before: expectedRows[1], after: null },
];

const debeziumRow = (state: State) => ({
  id: 42,
  name: state.name,
  price: state.price,
  updated_at: state.updatedAtMs,
  created_at: '2025-03-01T10:15:30Z',
  attrs: state.attrsJson,
  status: 'active',
  is_active: state.active,
  discontinued_at: null,
});

const debeziumSource = (pos: number) => ({
  db: 'shop',
  table: 'products',
  file: 'mariadb-bin.000004',
  pos,
  row: 0,
  ts_ms: 1_740_824_162_000,
});

const debeziumMessages = (wrap: (payload: object) => object, row: (state: State) => object, key: object): RawMessage[] => [
  rawMessage({ key, offset: 1, value: wrap({ before: null, after: row(inserted), source: debeziumSource(1000), op: 'c' }) }),
  rawMessage({ key, offset: 2, value: wrap({ before: row(inserted), after: row(updated), source: debeziumSource(2000), op: 'u' }) }),
  rawMessage({ key, offset: 3, value: wrap({ before: row(updated), after: null, source: debeziumSource(3000), op: 'd' }) }),
];

const field = (name: string, type: string, extra: object = {}) => ({ field: name, type, optional: true, ...extra });
const valueSchema = {
  type: 'struct',
  fields: [
    field('id', 'int32', { optional: false }),
    field('name', 'string'),
    field('price', 'bytes', {
      name: 'org.apache.kafka.connect.data.Decimal',
      parameters: { scale: '2', 'connect.decimal.precision': '12' },
    }),
    field('updated_at', 'int64', { name: 'io.debezium.time.Timestamp' }),
    field('created_at', 'string', { name: 'io.debezium.time.ZonedTimestamp' }),
    field('attrs', 'string', { name: 'io.debezium.data.Json' }),
    field('status', 'string', { name: 'io.debezium.data.Enum', parameters: { allowed: 'active,retired' } }),
    field('is_active', 'int16'),
    field('discontinued_at', 'int64', { name: 'io.debezium.time.Timestamp' }),
  ],
};
const envelopeSchema = {
  type: 'struct',
  fields: [{ ...valueSchema, field: 'before' }, { ...valueSchema, field: 'after' }, field('source', 'struct'), field('op', 'string')],
};
const keySchema = { type: 'struct', fields: [field('id', 'int32', { optional: false })] };

const canalRow = (state: State) => ({
  id: '42',
  name: state.name,
  price: state.price,
  updated_at: state.updatedAtText,
  created_at: '2025-03-01 10:15:30',
  attrs: state.attrsJson,
  status: 'active',
  is_active: String(state.active),
  discontinued_at: null,
});

const canalMessage = (type: string, es: number, offset: number, data: object, old: object | null) =>
  rawMessage({
    topic: 'canal.shop',
    offset,
    value: {
      id: 7,
      database: 'shop',
      table: 'products',
      pkNames: ['id'],
      isDdl: false,
      type,
      es,
      ts: es + 300,
      sql: '',
      sqlType: { id: 4, name: 12, price: 3, updated_at: 93, created_at: 93, attrs: 12, status: 4, is_active: -6, discontinued_at: 93 },
      mysqlType: {
        id: 'int(11)',
        name: 'varchar(255)',
        price: 'decimal(12,2)',
        updated_at: 'datetime(3)',
        created_at: 'timestamp',
        attrs: 'json',
        status: "enum('active','retired')",
        is_active: 'tinyint(1)',
        discontinued_at: 'datetime',
      },
      data: [data],
      old: old === null ? null : [old],
    },
  });

const ticdcMessage = (type: string, commitTs: string, data: object, old: object | null) => {
  const body = JSON.stringify({
    id: 0,
    database: 'shop',
    table: 'products',
    pkNames: ['id'],
    isDdl: false,
    type,
    es: 1_740_824_162_000,
    ts: 1_740_824_162_960,
    sql: '',
    sqlType: { id: 4, name: 12, price: 3, updated_at: 93, created_at: 93, attrs: 12, status: 4, is_active: -6, discontinued_at: 93 },
    mysqlType: {
      id: 'int',
      name: 'varchar',
      price: 'decimal',
      updated_at: 'datetime',
      created_at: 'timestamp',
      attrs: 'json',
      status: 'enum',
      is_active: 'tinyint',
      discontinued_at: 'datetime',
    },
    data: [data],
    old: old === null ? null : [old],
  });
  return rawMessage({ topic: 'ticdc.shop', value: `${body.slice(0, -1)},"_tidb":{"commitTs":${commitTs}}}` });
};

const maxwellRow = (state: State) => ({
  id: 42,
  name: state.name,
  price: Number(state.price),
  updated_at: state.updatedAtText,
  created_at: '2025-03-01 10:15:30',
  attrs: JSON.parse(state.attrsJson) as unknown,
  status: 'active',
  is_active: state.active,
  discontinued_at: null,
});

const maxwellMessage = (type: string, position: string, data: object, old?: object) =>
  rawMessage({
    topic: 'maxwell',
    key: { database: 'shop', table: 'products', 'pk.id': 42 },
    value: { database: 'shop', table: 'products', type, ts: 1_740_824_162, xid: 900, commit: true, position, data, old },
  });

const messagesByFormat: Readonly<Record<string, RawMessage[]>> = {
  'debezium without schemas': debeziumMessages((payload) => payload, debeziumRow, { id: 42 }),
  'debezium with schemas': debeziumMessages(
    (payload) => ({ schema: envelopeSchema, payload }),
    (state) => ({ ...debeziumRow(state), price: state.priceBase64 }),
    { schema: keySchema, payload: { id: 42 } },
  ),
  canal: [
    canalMessage('INSERT', 1_740_824_130_000, 10, canalRow(inserted), null),
    canalMessage('UPDATE', 1_740_902_405_000, 11, canalRow(updated), {
      name: inserted.name,
      price: inserted.price,
      updated_at: inserted.updatedAtText,
      attrs: inserted.attrsJson,
      is_active: String(inserted.active),
    }),
    canalMessage('DELETE', 1_740_902_405_000, 12, canalRow(updated), null),
  ],
  ticdc: [
    ticdcMessage('INSERT', '429918007904436226', canalRow(inserted), null),
    ticdcMessage('UPDATE', '429918007904436300', canalRow(updated), canalRow(inserted)),
    ticdcMessage('DELETE', '429918007904436411', canalRow(updated), null),
  ],
  maxwell: [
    maxwellMessage('insert', 'binlog.000004:1000', maxwellRow(inserted)),
    maxwellMessage('update', 'binlog.000004:2000', maxwellRow(updated), {
      name: inserted.name,
      price: Number(inserted.price),
      updated_at: inserted.updatedAtText,
      attrs: JSON.parse(inserted.attrsJson) as unknown,
      is_active: inserted.active,
    }),
    maxwellMessage('delete', 'binlog.000004:3000', maxwellRow(updated)),
  ],
};

const normalized = (change: RowChange) => ({
  op: change.op,
  key: normalizeRow(change.key, productColumns),
  before: change.before === null ? null : normalizeRow(change.before, productColumns),
  after: change.after === null ? null : normalizeRow(change.after, productColumns),
});

describe('the same changes in every CDC format', () => {
  for (const [format, messages] of Object.entries(messagesByFormat)) {
    const changes = () => messages.flatMap((msg) => rowChanges(decodeMessage(msg, 'auto')));

    it(`yield identical op, key and images after normalization (${format})`, () => {
      assert.deepEqual(changes().map(normalized), expected);
    });

    it(`are detected as their own format (${format})`, () => {
      assert.ok(changes().every((change) => format.startsWith(change.format)));
    });

    it(`carry increasing versions (${format})`, () => {
      const versions = changes().map((change) => change.version);
      assert.ok(
        versions.every((version, index) => index === 0 || version > (versions[index - 1] ?? version)),
        `versions not increasing: ${versions.join(', ')}`,
      );
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawMessage } from '../../../src/sync/change.js';
import { decodeMessage } from '../../../src/sync/decoders/detect.js';
import type { SourcedChange } from '../../../src/sync/prepare-batch.js';
import { prepareBatch } from '../../../src/sync/prepare-batch.js';
import type { Shape } from './key-shape-fixtures.js';
import { HUGE, HUGE_AS_LONG, registry, UUID, UUID_BYTES } from './key-shape-fixtures.js';
import { rawMessage, rowChanges } from './message-fixtures.js';

/*
 * Every key shape the gateway routes (CHAR(36) UUID, BINARY(16) UUID, unsigned BIGINT beyond 2^63,
 * composite), written by hand in each CDC format from its documentation (docs/cdc-formats.md), must
 * come out of decoding and preparation as the same row id and canonical key.
 */

interface ShapeCase {
  readonly table: string;
  readonly id: string;
  readonly key: Readonly<Record<string, unknown>>;
  /** The key columns as each tool spells them. */
  readonly debeziumJson: string;
  readonly canal: Readonly<Record<string, string>>;
  readonly canalTypes: Readonly<Record<string, string>>;
  readonly ticdcTypes: Readonly<Record<string, string>>;
  readonly maxwellJson: string;
}

const cases: Readonly<Record<Shape, ShapeCase>> = {
  uuidText: {
    table: 'text_keyed',
    id: UUID,
    key: { id: UUID },
    debeziumJson: `"id":"${UUID.toUpperCase()}"`,
    canal: { id: UUID.toUpperCase() },
    canalTypes: { id: 'char(36)' },
    ticdcTypes: { id: 'char' },
    maxwellJson: `"id":"${UUID}"`,
  },
  uuidBinary: {
    table: 'binary_keyed',
    id: UUID,
    key: { id: UUID },
    // binary.handling.mode=bytes (the default): base64.
    debeziumJson: `"id":"${UUID_BYTES.toString('base64')}"`,
    // Canal and TiCDC: one ISO-8859-1 character per byte.
    canal: { id: UUID_BYTES.toString('latin1') },
    canalTypes: { id: 'binary(16)' },
    ticdcTypes: { id: 'binary' },
    maxwellJson: `"id":"${UUID_BYTES.toString('base64')}"`,
  },
  unsigned: {
    table: 'unsigned_keyed',
    id: HUGE,
    key: { id: HUGE },
    debeziumJson: `"id":${HUGE_AS_LONG}`,
    canal: { id: HUGE },
    canalTypes: { id: 'bigint(20) unsigned' },
    ticdcTypes: { id: 'bigint unsigned' },
    // Maxwell writes the exact unsigned value as a JSON number beyond 2^53.
    maxwellJson: `"id":${HUGE}`,
  },
  composite: {
    table: 'composite_keyed',
    id: '["7","m,\\"1"]',
    key: { group_id: 7, member_code: 'm,"1' },
    debeziumJson: '"group_id":7,"member_code":"m,\\"1"',
    canal: { group_id: '7', member_code: 'm,"1' },
    canalTypes: { group_id: 'int(11)', member_code: 'varchar(32)' },
    ticdcTypes: { group_id: 'int', member_code: 'varchar' },
    maxwellJson: '"group_id":7,"member_code":"m,\\"1"',
  },
};

const source = (table: string) => `{"db":"shop","table":"${table}","file":"mariadb-bin.000004","pos":1000,"row":0,"ts_ms":1740824162000}`;

function debeziumMessage(shape: ShapeCase): RawMessage {
  const after = `{${shape.debeziumJson},"label":"x"}`;
  return rawMessage({
    topic: `shop.shop.${shape.table}`,
    key: `{${shape.debeziumJson}}`,
    value: `{"before":null,"after":${after},"source":${source(shape.table)},"op":"c","ts_ms":1740824162517}`,
  });
}

function canalMessage(shape: ShapeCase, ticdc: boolean): RawMessage {
  const keyColumns = Object.keys(shape.canal);
  const types = ticdc ? shape.ticdcTypes : shape.canalTypes;
  const body = {
    id: ticdc ? 0 : 3,
    database: 'shop',
    table: shape.table,
    pkNames: keyColumns,
    isDdl: false,
    type: 'INSERT',
    es: 1_740_824_162_000,
    ts: 1_740_824_162_611,
    sql: '',
    sqlType: Object.fromEntries([...keyColumns, 'label'].map((column) => [column, 12])),
    mysqlType: { ...types, label: 'varchar(20)' },
    data: [{ ...shape.canal, label: 'x' }],
    old: null,
  };
  if (!ticdc) return rawMessage({ topic: 'canal.shop', value: body });
  const text = JSON.stringify(body);
  return rawMessage({ topic: 'ticdc.shop', value: `${text.slice(0, -1)},"_tidb":{"commitTs":429918007904436226}}` });
}

function maxwellMessage(shape: ShapeCase): RawMessage {
  const keyFields = shape.maxwellJson.replace(/"(\w+)":/g, '"pk.$1":');
  return rawMessage({
    topic: 'maxwell',
    key: `{"database":"shop","table":"${shape.table}",${keyFields}}`,
    value:
      `{"database":"shop","table":"${shape.table}","type":"insert","ts":1740824162,"xid":9,"commit":true,` +
      `"position":"binlog.000004:1000","data":{${shape.maxwellJson},"label":"x"}}`,
  });
}

function prepared(messages: readonly RawMessage[]) {
  const changes: SourcedChange<RawMessage>[] = messages.flatMap((message) =>
    rowChanges(decodeMessage(message, 'auto')).map((change) => ({ change, message })),
  );
  return prepareBatch(changes, registry);
}

function assertRouted(messages: readonly RawMessage[], shape: ShapeCase): void {
  const batch = prepared(messages);
  assert.deepEqual(batch.rejected, []);
  const [only] = batch.batch.changes;
  assert.equal(batch.batch.changes.length, 1);
  assert.equal(only?.id, shape.id);
  assert.deepEqual(only?.change.key, shape.key);
  assert.deepEqual(only?.change.after, { ...shape.key, label: 'x' });
}

describe('key shapes in every CDC format', () => {
  for (const [name, shape] of Object.entries(cases)) {
    it(`routes a ${name} key from Debezium JSON`, () => assertRouted([debeziumMessage(shape)], shape));
    it(`routes a ${name} key from Canal`, () => assertRouted([canalMessage(shape, false)], shape));
    it(`routes a ${name} key from TiCDC canal-json`, () => assertRouted([canalMessage(shape, true)], shape));
    it(`routes a ${name} key from Maxwell`, () => assertRouted([maxwellMessage(shape)], shape));
  }

  it('routes BINARY(16), unsigned and composite keys from Debezium JSON with schemas.enable=true', () => {
    const withSchema = (shape: ShapeCase, fields: readonly { field: string; type: string }[]) => {
      const plain = debeziumMessage(shape);
      const schema = { type: 'struct', fields: fields.map((field) => ({ ...field, optional: false })) };
      const valueSchema = {
        type: 'struct',
        fields: [...fields, { field: 'label', type: 'string' }].map((field) => ({ ...field, optional: true })),
      };
      const envelope = {
        type: 'struct',
        fields: [
          { ...valueSchema, field: 'before' },
          { ...valueSchema, field: 'after' },
          { type: 'struct', field: 'source', optional: false },
          { type: 'string', field: 'op', optional: false },
        ],
      };
      const key = `{"schema":${JSON.stringify(schema)},"payload":${plain.key?.toString('utf8') ?? 'null'}}`;
      const value = `{"schema":${JSON.stringify(envelope)},"payload":${plain.value?.toString('utf8') ?? 'null'}}`;
      return rawMessage({ topic: plain.topic, key, value });
    };
    assertRouted([withSchema(cases.uuidBinary, [{ field: 'id', type: 'bytes' }])], cases.uuidBinary);
    assertRouted([withSchema(cases.unsigned, [{ field: 'id', type: 'int64' }])], cases.unsigned);
    const compositeFields = [
      { field: 'group_id', type: 'int32' },
      { field: 'member_code', type: 'string' },
    ];
    assertRouted([withSchema(cases.composite, compositeFields)], cases.composite);
  });

  it("routes a composite key from Maxwell's array key format", () => {
    const shape = cases.composite;
    const message = maxwellMessage(shape);
    const arrayKey = `["shop","${shape.table}",[{"group_id":7},{"member_code":"m,\\"1"}]]`;
    assertRouted([{ ...message, key: Buffer.from(arrayKey) }], shape);
  });

  it('asks for a re-read of a TiCDC key-only composite row (onlyHandleKey) under its row id', () => {
    const shape = cases.composite;
    const message = canalMessage(shape, true);
    const text = (message.value ?? Buffer.alloc(0)).toString('utf8').replace('"_tidb":{', '"_tidb":{"onlyHandleKey":true,');
    const batch = prepared([{ ...message, value: Buffer.from(text) }]);
    assert.deepEqual(batch.rejected, []);
    assert.deepEqual(
      batch.rereads.map(({ id }) => id),
      [shape.id],
    );
  });

  it('reads a BINARY(16) key Debezium sent as hex (binary.handling.mode=hex)', () => {
    const shape = { ...cases.uuidBinary, debeziumJson: `"id":"${UUID_BYTES.toString('hex')}"` };
    assertRouted([debeziumMessage(shape)], shape);
  });

  it('keeps an unsigned BIGINT between 2^53 and 2^63 exact from Debezium JSON', () => {
    const shape = { ...cases.unsigned, id: '9007199254740993', key: { id: '9007199254740993' }, debeziumJson: '"id":9007199254740993' };
    assertRouted([debeziumMessage(shape)], shape);
  });

  it('dead-letters a Debezium key holding true for an integer key', () => {
    const shape = { ...cases.composite, debeziumJson: '"group_id":true,"member_code":"m"' };
    const batch = prepared([debeziumMessage(shape)]);
    assert.equal(batch.batch.changes.length, 0);
    assert.match(String(batch.rejected[0]?.error), /key column "group_id".*true is not a key value/);
  });

  it('dead-letters a BINARY(16) key of the wrong length', () => {
    const shape = { ...cases.uuidBinary, debeziumJson: `"id":"${Buffer.alloc(15).toString('base64')}"` };
    assert.match(String(prepared([debeziumMessage(shape)]).rejected[0]?.error), /column "id" \(uuidBinary\)/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, detectFormat } from '../../../src/sync/decoders/detect.js';
import { assertGatewayError, onlyChange, onlyRowChange, rawMessage } from './message-fixtures.js';

const debeziumValue = {
  before: null,
  after: { id: 1 },
  source: { db: 'shop', table: 'products', file: 'binlog.000001', pos: 4, row: 0, ts_ms: 1000 },
  op: 'c',
};
const canalValue = {
  id: 3,
  database: 'shop',
  table: 'products',
  pkNames: ['id'],
  isDdl: false,
  type: 'INSERT',
  es: 1000,
  ts: 1001,
  sql: '',
  mysqlType: { id: 'int(11)', name: 'varchar(255)' },
  data: [{ id: '1', name: 'Mug' }],
  old: null,
};
const ticdcValue = { ...canalValue, id: 0, mysqlType: { id: 'int', name: 'varchar' }, _tidb: { commitTs: 42 } };
const maxwellValue = { database: 'shop', table: 'products', type: 'insert', ts: 1, xid: 7, position: 'binlog.000001:4', data: { id: 1 } };

describe('detectFormat', () => {
  it('recognises Debezium row events with and without schemas', () => {
    assert.equal(detectFormat(debeziumValue), 'debezium');
    assert.equal(detectFormat({ schema: { type: 'struct' }, payload: debeziumValue }), 'debezium');
  });

  it('recognises Debezium schema changes and transaction markers', () => {
    assert.equal(detectFormat({ source: {}, databaseName: 'shop', ddl: 'DROP TABLE t', tableChanges: [] }), 'debezium');
    assert.equal(detectFormat({ status: 'END', id: '0-1-2', event_count: 2, data_collections: [] }), 'debezium');
  });

  it('recognises Canal by isDdl with pkNames or mysqlType', () => {
    assert.equal(detectFormat(canalValue), 'canal');
  });

  it('prefers TiCDC when the _tidb extension is present', () => {
    assert.equal(detectFormat(ticdcValue), 'ticdc');
    assert.equal(detectFormat({ type: 'TIDB_WATERMARK', _tidb: { watermarkTs: 42 } }), 'ticdc');
  });

  it('recognises TiCDC without the extension by id 0 and parameterless types', () => {
    const { _tidb: _ignored, ...withoutExtension } = ticdcValue;
    assert.equal(detectFormat(withoutExtension), 'ticdc');
    assert.equal(detectFormat({ ...canalValue, id: 0 }), 'canal');
  });

  it('recognises Maxwell rows and DDL', () => {
    assert.equal(detectFormat(maxwellValue), 'maxwell');
    assert.equal(detectFormat({ type: 'table-create', database: 'shop', table: 't', sql: 'CREATE TABLE t (id INT)', ts: 1 }), 'maxwell');
  });

  it('returns null for anything else', () => {
    assert.equal(detectFormat({ hello: 'world' }), null);
    assert.equal(detectFormat([1, 2]), null);
    assert.equal(detectFormat(null), null);
  });
});

describe('decodeMessage', () => {
  it('decodes each format it detects', () => {
    const formats = [debeziumValue, canalValue, ticdcValue, maxwellValue].map(
      (value) => onlyRowChange(decodeMessage(rawMessage({ key: { id: 1, 'pk.id': 1 }, value }), 'auto')).format,
    );
    assert.deepEqual(formats, ['debezium', 'canal', 'ticdc', 'maxwell']);
  });

  it('hands a tombstone to the Debezium decoder', () => {
    assert.deepEqual(onlyChange(decodeMessage(rawMessage({ key: { id: 1 }, value: null }), 'auto')), {
      kind: 'ignore',
      format: 'debezium',
      reason: 'tombstone',
    });
  });

  it('uses the configured format without guessing', () => {
    assertGatewayError(() => decodeMessage(rawMessage({ value: canalValue }), 'maxwell'), 'CDC_DECODE_FAILED', /maxwell/);
  });

  it('fails with CDC_UNKNOWN_FORMAT naming the message when nothing matches', () => {
    const msg = rawMessage({ topic: 'mystery', partition: 2, offset: 77, value: { hello: 'world' } });
    assertGatewayError(() => decodeMessage(msg, 'auto'), 'CDC_UNKNOWN_FORMAT', /mystery\[2\]@77/, /hello/);
  });

  it('fails with CDC_DECODE_FAILED when the value is not JSON', () => {
    assertGatewayError(() => decodeMessage(rawMessage({ value: 'not json' }), 'auto'), 'CDC_DECODE_FAILED', /not valid JSON/);
  });
});

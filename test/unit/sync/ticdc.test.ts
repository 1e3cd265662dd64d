import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTicdcMessage } from '../../../src/sync/decoders/ticdc.js';
import { canalVersion } from '../../../src/rows/row-version.js';
import { onlyChange, onlyRowChange, rawMessage, rowChanges } from './message-fixtures.js';

const COMMIT_TS = '429918007904436226';

/** Written as text: the TSO must reach the decoder with all its digits, as TiCDC sends it. */
const ticdcText = (fields: Record<string, unknown>, tidb: string | null = `{"commitTs":${COMMIT_TS}}`) => {
  const body = JSON.stringify({
    id: 0,
    database: 'shop',
    table: 'products',
    pkNames: ['id'],
    isDdl: false,
    type: 'INSERT',
    es: 1_740_824_162_000,
    ts: 1_740_824_162_960,
    sql: '',
    sqlType: { id: 4, price: 3 },
    mysqlType: { id: 'int', price: 'decimal', name: 'varchar' },
    data: null,
    old: null,
    ...fields,
  });
  return tidb === null ? body : `${body.slice(0, -1)},"_tidb":${tidb}}`;
};

const decode = (text: string, offset = 9) => decodeTicdcMessage(rawMessage({ topic: 'ticdc', value: text, offset }));

describe('decodeTicdcMessage', () => {
  it('uses the exact commitTs as the version', () => {
    const change = onlyRowChange(decode(ticdcText({ data: [{ id: '42', price: '19.90', name: 'Mug' }] })));
    assert.equal(change.version, BigInt(COMMIT_TS));
    assert.deepEqual(change.after, { id: 42, price: '19.90', name: 'Mug' });
  });

  it('keeps a parameterless decimal as the exact text it arrived as', () => {
    const change = onlyRowChange(decode(ticdcText({ data: [{ id: '1', price: '12345678901234567.891' }] })));
    assert.equal(change.after?.['price'], '12345678901234567.891');
  });

  it('takes the before-image from an old that holds every column', () => {
    const change = onlyRowChange(
      decode(
        ticdcText({
          type: 'UPDATE',
          data: [{ id: '42', price: '24.50', name: 'Mug' }],
          old: [{ id: '42', price: '19.90', name: 'Mug' }],
        }),
      ),
    );
    assert.deepEqual(change.before, { id: 42, price: '19.90', name: 'Mug' });
  });

  it('turns a watermark into a WatermarkChange with the exact TSO', () => {
    const text = ticdcText(
      { database: '', table: '', pkNames: null, type: 'TIDB_WATERMARK', sqlType: null, mysqlType: null },
      `{"watermarkTs":${COMMIT_TS}}`,
    );
    assert.deepEqual(onlyChange(decode(text)), { kind: 'watermark', format: 'ticdc', version: BigInt(COMMIT_TS) });
  });

  it('asks for a re-read of a key-only large row and puts only the key in after', () => {
    const text = ticdcText({ type: 'UPDATE', data: [{ id: '42' }] }, `{"commitTs":${COMMIT_TS},"onlyHandleKey":true}`);
    const change = onlyRowChange(decode(text));
    assert.equal(change.needsReread, true);
    assert.deepEqual(change.after, { id: 42 });
    assert.deepEqual(change.key, { id: 42 });
  });

  it('does not ask for a re-read of a key-only delete, whose key is all it needs', () => {
    const text = ticdcText({ type: 'DELETE', data: [{ id: '42' }] }, `{"commitTs":${COMMIT_TS},"onlyHandleKey":true}`);
    const change = onlyRowChange(decode(text));
    assert.deepEqual([change.op, change.needsReread], ['delete', false]);
  });

  it('falls back to the canal version without the TiDB extension', () => {
    const change = onlyRowChange(decode(ticdcText({ data: [{ id: '1' }] }, null), 9));
    assert.equal(change.version, canalVersion(1_740_824_162_000, '9'));
  });

  it('turns DDL into a SchemaChange and a truncate into a TruncateChange at its commitTs', () => {
    const ddl = onlyChange(decode(ticdcText({ isDdl: true, type: 'ALTER', sql: 'ALTER TABLE products ADD c INT', pkNames: null })));
    assert.equal(ddl.kind, 'schema');
    const truncate = onlyChange(decode(ticdcText({ isDdl: true, type: 'TRUNCATE', sql: 'TRUNCATE TABLE products' })));
    assert.deepEqual(truncate, {
      kind: 'truncate',
      format: 'ticdc',
      database: 'shop',
      table: 'products',
      version: BigInt(COMMIT_TS),
      committedAtMs: 1_740_824_162_000,
    });
  });

  it('labels every change as ticdc', () => {
    const changes = rowChanges(decode(ticdcText({ data: [{ id: '1' }] })));
    assert.deepEqual(
      changes.map((change) => change.format),
      ['ticdc'],
    );
  });
});

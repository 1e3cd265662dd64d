import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLiveChanges, encodeLiveChanges, liveChangeOf } from '../../../src/live/live-change.js';
import { productEntity } from '../../../src/schema/product.type.js';
import type { RowChange } from '../../../src/sync/change.js';

const change = (op: RowChange['op'], after: RowChange['after']): RowChange => ({
  kind: 'row',
  format: 'debezium',
  database: 'shop',
  table: 'products',
  op,
  key: { id: 7 },
  after,
  before: null,
  version: 42n,
  committedAtMs: 1_700_000_000_000,
  needsReread: false,
});

describe('live change events', () => {
  it('carry the declared columns of an insert or update, as the cache holds them, and no row for a delete', () => {
    const inserted = liveChangeOf(
      { entity: productEntity, id: '7', change: change('create', { id: 7, name: 'Kettle', undeclared_column: 'x' }) },
      5,
    );
    assert.equal(inserted.kind, 'insert');
    assert.deepEqual(inserted.row, { id: 7, name: 'Kettle' });
    assert.equal(inserted.version, '0000000000000000042');
    assert.equal(liveChangeOf({ entity: productEntity, id: '7', change: change('update', { id: 7 }) }, 5).kind, 'update');
    assert.equal(liveChangeOf({ entity: productEntity, id: '7', change: change('read', { id: 7 }) }, 5).kind, 'update');
    const deleted = liveChangeOf({ entity: productEntity, id: '7', change: change('delete', null) }, 5);
    assert.deepEqual([deleted.kind, deleted.row], ['delete', null]);
  });

  it('round-trip through a message and drop entries that are not change events', () => {
    const event = liveChangeOf({ entity: productEntity, id: '7', change: change('update', { id: 7 }) }, 5);
    assert.deepEqual(decodeLiveChanges(encodeLiveChanges([event])), { changes: [event], malformed: 0 });
    assert.deepEqual(decodeLiveChanges(JSON.stringify([event, { entity: 'Product' }, 3])), { changes: [event], malformed: 2 });
    assert.deepEqual(decodeLiveChanges('not json'), { changes: [], malformed: 1 });
    assert.deepEqual(decodeLiveChanges('{}'), { changes: [], malformed: 1 });
  });
});

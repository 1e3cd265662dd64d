import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col, notNull } from '../../../src/rows/column-types.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import { defaultCachePolicy, defineEntity } from '../../../src/schema/entity.js';
import type { RowChange, TruncateChange } from '../../../src/sync/change.js';
import type { Row } from '../../../src/rows/row.js';
import type { SourcedChange } from '../../../src/sync/prepare-batch.js';
import { completeReread, mergeBatches, prepareBatch } from '../../../src/sync/prepare-batch.js';

const products = defineEntity({
  name: 'Product',
  table: 'products',
  primaryKey: 'id',
  columns: { id: col.bigint(), name: col.string(), price: col.decimal(2), is_featured: col.bool(), updated_at: col.timestamp(3) },
  cache: defaultCachePolicy,
});
const users = defineEntity({
  name: 'User',
  table: 'users',
  primaryKey: 'id',
  columns: { id: col.int(), email: col.string() },
  cache: defaultCachePolicy,
});
const accounts = defineEntity({
  name: 'Account',
  table: 'accounts',
  primaryKey: 'id',
  columns: { id: notNull(col.uuid()), name: notNull(col.string()), tags: notNull(col.json()) },
  cache: defaultCachePolicy,
});
const memberships = defineEntity({
  name: 'Membership',
  table: 'memberships',
  primaryKey: ['group_id', 'member_code'],
  columns: { group_id: col.int(), member_code: col.string() },
  cache: defaultCachePolicy,
});
const registry = createEntityRegistry([products, users, accounts, memberships]);
const UUID = '0b6e0e1c-5f1a-4c55-9d1e-7a0f3c2b9e41';

let offset = 0;

function row(op: RowChange['op'], version: bigint, image: Row, overrides: Partial<RowChange> = {}): SourcedChange<string> {
  const change: RowChange = {
    kind: 'row',
    format: 'debezium',
    database: 'shop',
    table: 'products',
    op,
    key: { id: image['id'] ?? null },
    after: op === 'delete' ? null : image,
    before: op === 'delete' ? image : null,
    version,
    committedAtMs: 1_740_824_162_000,
    needsReread: false,
    ...overrides,
  };
  offset += 1;
  return { change, message: `offset-${offset}` };
}

function truncate(table: string, version: bigint): SourcedChange<string> {
  const change: TruncateChange = { kind: 'truncate', format: 'debezium', database: 'shop', table, version, committedAtMs: 0 };
  return { change, message: `truncate-${table}-${version}` };
}

function winners(changes: readonly SourcedChange<string>[]) {
  return prepareBatch(changes, registry).batch.changes.map(({ entity, id, change }) => ({
    table: entity.table,
    id,
    op: change.op,
    version: change.version,
  }));
}

describe('prepareBatch', () => {
  it('keeps only the highest version of each row', () => {
    const changes = [
      row('update', 2n, { id: 1, name: 'b' }),
      row('update', 3n, { id: 1, name: 'c' }),
      row('update', 1n, { id: 1, name: 'a' }),
    ];
    const prepared = prepareBatch(changes, registry);
    assert.equal(prepared.batch.changes.length, 1);
    assert.equal(prepared.batch.changes[0]?.change.version, 3n);
    assert.equal(prepared.batch.changes[0]?.change.after?.['name'], 'c');
  });

  it('lets a delete that follows an update win', () => {
    assert.deepEqual(winners([row('update', 5n, { id: 7, name: 'x' }), row('delete', 6n, { id: 7, name: 'x' })]), [
      { table: 'products', id: '7', op: 'delete', version: 6n },
    ]);
  });

  it('drops an older replay that arrives after a newer change', () => {
    assert.deepEqual(winners([row('delete', 10n, { id: 7 }), row('update', 3n, { id: 7, name: 'old' })]), [
      { table: 'products', id: '7', op: 'delete', version: 10n },
    ]);
  });

  it('takes the later message when two changes carry the same version', () => {
    const prepared = prepareBatch([row('update', 4n, { id: 2, name: 'first' }), row('update', 4n, { id: 2, name: 'second' })], registry);
    assert.equal(prepared.batch.changes[0]?.change.after?.['name'], 'second');
  });

  it('keeps rows of different tables with the same id apart', () => {
    const user = row('create', 1n, { id: 3, email: 'a@example.com' }, { table: 'users' });
    assert.deepEqual(winners([row('create', 1n, { id: 3, name: 'mug' }), user]), [
      { table: 'products', id: '3', op: 'create', version: 1n },
      { table: 'users', id: '3', op: 'create', version: 1n },
    ]);
  });

  it('counts and skips changes of tables no entity declares, whatever the database', () => {
    const prepared = prepareBatch(
      [
        row('create', 1n, { id: 1 }, { table: 'audit_log' }),
        row('create', 2n, { id: 2 }, { table: 'audit_log', database: 'other' }),
        truncate('sessions', 3n),
        row('create', 1n, { id: 9, name: 'kept' }, { database: 'anything' }),
      ],
      registry,
    );
    assert.deepEqual(
      [...prepared.unknownTables],
      [
        ['audit_log', 2],
        ['sessions', 1],
      ],
    );
    assert.deepEqual(
      prepared.batch.changes.map(({ id }) => id),
      ['9'],
    );
    assert.deepEqual(prepared.batch.truncates, []);
  });

  it('returns key-only changes separately for a re-read, after collapsing', () => {
    const keyOnly = (version: bigint, id: number) => row('update', version, { id }, { after: null, needsReread: true, format: 'ticdc' });
    const prepared = prepareBatch(
      [keyOnly(5n, 1), row('update', 4n, { id: 1, name: 'older' }), keyOnly(5n, 2), row('update', 6n, { id: 2, name: 'newer' })],
      registry,
    );
    assert.deepEqual(
      prepared.rereads.map(({ id, change }) => [id, change.version]),
      [['1', 5n]],
    );
    assert.deepEqual(
      prepared.batch.changes.map(({ id, change }) => [id, change.version]),
      [['2', 6n]],
    );
  });

  it('normalizes the key and the after-image with the entity columns, and drops the before-image no store reads', () => {
    const source = row(
      'update',
      1n,
      { id: '42', name: 'Mug', price: 19.9, is_featured: 1, updated_at: 1_740_824_162_456 },
      {
        key: { id: '42' },
        before: { id: '42', price: '18', is_featured: 0 },
      },
    );
    const [prepared] = prepareBatch([source], registry).batch.changes;
    assert.equal(prepared?.id, '42');
    assert.deepEqual(prepared?.change.key, { id: 42 });
    assert.deepEqual(prepared?.change.after, {
      id: 42,
      name: 'Mug',
      price: '19.90',
      is_featured: true,
      updated_at: '2025-03-01T10:16:02.456Z',
    });
    assert.equal(prepared?.change.before, null);
  });

  it('rejects, with its message, a change whose images do not fit the columns or whose key lacks the primary key', () => {
    const badPrice = row('update', 1n, { id: 1, price: 'not money' });
    const noKey = row('update', 1n, { id: 2 }, { key: { sku: 'x' } });
    const prepared = prepareBatch([badPrice, noKey, row('update', 1n, { id: 3 })], registry);
    assert.deepEqual(
      prepared.rejected.map(({ message }) => message),
      [badPrice.message, noKey.message],
    );
    assert.match(String(prepared.rejected[0]?.error), /price/);
    assert.match(String(prepared.rejected[1]?.error), /no primary key "id"/);
    assert.deepEqual(
      prepared.batch.changes.map(({ id }) => id),
      ['3'],
    );
  });

  it('dead-letters a NULL in a NOT NULL column of the after-image and keeps going', () => {
    const nullName = row('update', 1n, { id: UUID, name: null }, { table: 'accounts', key: { id: UUID } });
    const good = row('update', 2n, { id: UUID.toUpperCase(), name: 'kept' }, { table: 'accounts', key: { id: UUID.toUpperCase() } });
    const prepared = prepareBatch([nullName, good], registry);
    assert.deepEqual(
      prepared.rejected.map(({ message }) => message),
      [nullName.message],
    );
    assert.match(String(prepared.rejected[0]?.error), /NULL in NOT NULL column "name"/);
    assert.equal((prepared.rejected[0]?.error as { code?: string }).code, 'CDC_DECODE_FAILED');
    assert.deepEqual(
      prepared.batch.changes.map(({ id }) => id),
      [UUID],
    );
  });

  it('accepts NULL in a NOT NULL column of a delete before-image, and in a NOT NULL JSON column', () => {
    const deleted = row('delete', 1n, { id: UUID, name: null, tags: null }, { table: 'accounts', key: { id: UUID } });
    const jsonNull = row('update', 2n, { id: UUID, name: 'n', tags: null }, { table: 'accounts', key: { id: UUID } });
    assert.deepEqual(prepareBatch([deleted], registry).rejected, []);
    assert.deepEqual(prepareBatch([jsonNull], registry).rejected, []);
  });

  it('refuses true as an integer key instead of reading it as id 1', () => {
    const flagged = row('update', 1n, { id: 1, name: 'x' }, { key: { id: true } });
    const prepared = prepareBatch([flagged], registry);
    assert.equal(prepared.rejected.length, 1);
    assert.match(String(prepared.rejected[0]?.error), /key column "id".*true is not a key value/);
    assert.equal(prepared.batch.changes.length, 0);
  });

  it('routes a composite key by the JSON array of its parts', () => {
    const change = row('update', 1n, { group_id: 7, member_code: 'm' }, { table: 'memberships', key: { member_code: 'm', group_id: '7' } });
    assert.deepEqual(
      prepareBatch([change], registry).batch.changes.map(({ id }) => id),
      ['["7","m"]'],
    );
    const partial = row('update', 1n, { group_id: 7 }, { table: 'memberships', key: { group_id: 7 } });
    assert.match(String(prepareBatch([partial], registry).rejected[0]?.error), /no primary key "member_code"/);
  });

  it('collects one truncate per table, the highest version', () => {
    const prepared = prepareBatch([truncate('products', 8n), truncate('products', 5n), truncate('users', 2n)], registry);
    assert.deepEqual(
      prepared.batch.truncates.map(({ entity, version }) => [entity.table, version]),
      [
        ['products', 8n],
        ['users', 2n],
      ],
    );
  });
});

describe('completeReread', () => {
  const [keyOnly] = prepareBatch([row('update', 9n, { id: 5 }, { after: null, needsReread: true })], registry).rereads;
  assert.ok(keyOnly !== undefined);

  it('turns a re-read row into an update at the same version', () => {
    const completed = completeReread(keyOnly, { id: 5, name: 'now' });
    assert.deepEqual(
      [completed.change.op, completed.change.version, completed.change.after, completed.change.needsReread],
      ['update', 9n, { id: 5, name: 'now' }, false],
    );
  });

  it('turns a row that is gone into a delete at the same version', () => {
    const completed = completeReread(keyOnly, undefined);
    assert.deepEqual(
      [completed.change.op, completed.change.version, completed.change.after, completed.change.needsReread],
      ['delete', 9n, null, false],
    );
  });
});

describe('mergeBatches', () => {
  const batchOf = (changes: readonly SourcedChange<string>[]) => prepareBatch(changes, registry).batch;
  const summary = (batch: ReturnType<typeof mergeBatches>) => ({
    changes: batch.changes.map(
      ({ entity, id, change }) => `${entity.table}:${id}@${change.version}:${(change.after?.['name'] as string | undefined) ?? change.op}`,
    ),
    truncates: batch.truncates.map(({ entity, version }) => `${entity.table}@${version}`),
  });

  it('keeps the newest change of each row across consecutive batches, the later batch on a tie', () => {
    const merged = mergeBatches([
      batchOf([row('update', 5n, { id: 1, name: 'five' }), row('update', 2n, { id: 2, name: 'two' })]),
      batchOf([
        row('update', 3n, { id: 1, name: 'late replay' }),
        row('update', 2n, { id: 2, name: 'two again' }),
        row('create', 1n, { id: 3, name: 'three' }),
      ]),
    ]);
    assert.deepEqual(summary(merged), { changes: ['products:1@5:five', 'products:2@2:two again', 'products:3@1:three'], truncates: [] });
  });

  it('keeps the highest truncate per table beside the rows, as applying the batches in turn would', () => {
    const merged = mergeBatches([
      batchOf([row('update', 4n, { id: 1, name: 'before' }), truncate('products', 6n)]),
      batchOf([truncate('products', 9n), row('update', 12n, { id: 1, name: 'after' })]),
    ]);
    assert.deepEqual(summary(merged), { changes: ['products:1@12:after'], truncates: ['products@9'] });
  });

  it('returns a single batch as it is', () => {
    const only = batchOf([row('update', 1n, { id: 1, name: 'a' })]);
    assert.equal(mergeBatches([only]), only);
  });
});

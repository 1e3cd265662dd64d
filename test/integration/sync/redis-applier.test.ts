import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../../src/cache/redis-client.js';
import type { EntityCache } from '../../../src/cache/entity-cache.js';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import { isGatewayError } from '../../../src/errors.js';
import { col } from '../../../src/rows/column-types.js';
import { defaultCachePolicy, defineEntity } from '../../../src/schema/entity.js';
import { formatVersion } from '../../../src/rows/row-version.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import type { StoreApplier } from '../../../src/sync/store-applier.js';
import { connectRedis, deleteKeys, entityChange, uniqueId } from './sync-fixtures.js';

const notes = defineEntity({
  name: 'Note',
  table: 'notes',
  primaryKey: 'id',
  columns: { id: col.bigint(), text: col.string() },
  cache: defaultCachePolicy,
});
const bigNotes = defineEntity({
  name: 'BigNote',
  table: 'big_notes',
  primaryKey: 'id',
  columns: { id: col.bigint(), text: col.string() },
  cache: { ...defaultCachePolicy, onChange: 'invalidate' },
});

describe('redis applier against a real Redis', () => {
  const keyPrefix = `it:${uniqueId()}:`;
  let redis: Redis;
  let cache: EntityCache;
  let applier: StoreApplier;

  before(async () => {
    redis = await connectRedis();
    cache = createEntityCache({ redis, keyPrefix });
    applier = createRedisApplier({ cache, redis, keyPrefix });
  });

  after(async () => {
    await deleteKeys(redis, keyPrefix);
    await redis.quit();
  });

  const raw = (table: string, id: number) => redis.get(`${keyPrefix}${table}:${id}`);
  const write = (version: bigint, id: number, text: string) => entityChange(notes, 'update', version, { id, text });

  it('keeps the newer row when an older change is replayed', async () => {
    assert.deepEqual(await applier.apply({ changes: [write(20n, 1, 'newer')], truncates: [] }), { applied: 1, stale: 0 });
    assert.deepEqual(await applier.apply({ changes: [write(10n, 1, 'older')], truncates: [] }), { applied: 0, stale: 1 });
    assert.deepEqual(await applier.apply({ changes: [write(20n, 1, 'same version again')], truncates: [] }), { applied: 0, stale: 1 });
    assert.equal(await raw('notes', 1), `R|${formatVersion(20n)}|{"id":1,"text":"newer"}`);
    assert.deepEqual(await cache.lookup(notes, ['1']), [{ state: 'hit', row: { id: 1, text: 'newer' } }]);
  });

  it('leaves a tombstone on delete that an older update cannot overwrite', async () => {
    await applier.apply({ changes: [write(5n, 2, 'alive')], truncates: [] });
    assert.deepEqual(await applier.apply({ changes: [entityChange(notes, 'delete', 30n, { id: 2, text: 'alive' })], truncates: [] }), {
      applied: 1,
      stale: 0,
    });
    assert.deepEqual(await applier.apply({ changes: [write(25n, 2, 'late update')], truncates: [] }), { applied: 0, stale: 1 });
    assert.equal(await raw('notes', 2), `D|${formatVersion(30n)}|`);
    assert.deepEqual(await cache.lookup(notes, ['2']), [{ state: 'known-missing' }]);
  });

  it('rejects a read-path fill whose lease was taken before a change was applied', async () => {
    const [lease] = await cache.acquireLeases(notes, ['3']);
    assert.equal(lease?.kind, 'lease');
    assert.deepEqual(await applier.apply({ changes: [write(7n, 3, 'from cdc')], truncates: [] }), { applied: 1, stale: 0 });
    const token = lease?.kind === 'lease' ? lease.token : '';
    assert.deepEqual(await cache.fill(notes, [{ id: '3', token, row: { id: 3, text: 'stale read' } }]), { stored: 0, rejected: 1 });
    // The change may be older than what the reader saw, so it only invalidates: the next read refills.
    assert.equal(await raw('notes', 3), `I|${formatVersion(7n)}|`);
    assert.deepEqual(await cache.lookup(notes, ['3']), [{ state: 'miss' }]);
  });

  it('only invalidates rows of an entity whose policy is invalidate, still version-guarded', async () => {
    const change = (version: bigint, text: string) => entityChange(bigNotes, 'update', version, { id: 4, text });
    assert.deepEqual(await applier.apply({ changes: [change(9n, 'large')], truncates: [] }), { applied: 1, stale: 0 });
    assert.equal(await raw('big_notes', 4), `I|${formatVersion(9n)}|`);
    assert.deepEqual(await applier.apply({ changes: [change(8n, 'older')], truncates: [] }), { applied: 0, stale: 1 });
    assert.deepEqual(await cache.lookup(bigNotes, ['4']), [{ state: 'miss' }]);
  });

  it('tombstones every cached row of a truncated table but keeps rows written after the truncate', async () => {
    await applier.apply({
      changes: [write(40n, 10, 'a'), write(41n, 11, 'b'), entityChange(bigNotes, 'update', 40n, { id: 10, text: 'other table' })],
      truncates: [],
    });
    const outcome = await applier.apply({ changes: [write(60n, 12, 'after truncate')], truncates: [{ entity: notes, version: 50n }] });
    assert.equal(await raw('notes', 10), `D|${formatVersion(50n)}|`);
    assert.equal(await raw('notes', 11), `D|${formatVersion(50n)}|`);
    assert.equal(await raw('notes', 12), `R|${formatVersion(60n)}|{"id":12,"text":"after truncate"}`);
    assert.equal(await raw('notes', 1), `D|${formatVersion(50n)}|`);
    assert.equal(await raw('big_notes', 10), `I|${formatVersion(40n)}|`);
    // notes 12 (newer) and notes 2 (tombstone at 30 < 50 is replaced) are counted as they go.
    assert.ok(outcome.applied >= 3 && outcome.stale >= 1, JSON.stringify(outcome));
  });

  it('tombstones rows of composite and string keys on truncate, ids containing ":" included', async () => {
    const links = defineEntity({
      name: 'Link',
      table: 'links',
      primaryKey: ['owner', 'path'],
      columns: { owner: col.int(), path: col.string() },
      cache: defaultCachePolicy,
    });
    const rows = [
      { owner: 1, path: 'a:b' },
      { owner: 2, path: 'https://x.example/"q"' },
    ];
    await applier.apply({ changes: rows.map((row) => entityChange(links, 'update', 70n, row)), truncates: [] });
    await applier.apply({ changes: [], truncates: [{ entity: links, version: 80n }] });
    for (const row of rows) {
      const id = JSON.stringify([String(row.owner), row.path]);
      assert.equal(await redis.get(`${keyPrefix}links:${id}`), `D|${formatVersion(80n)}|`, id);
    }
  });

  it('reports an unreachable Redis as a retriable CACHE_UNAVAILABLE', async () => {
    const closed = createRedisClient({ url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 200 });
    try {
      const broken = createRedisApplier({ cache: createEntityCache({ redis: closed, keyPrefix }), redis: closed, keyPrefix });
      await assert.rejects(broken.apply({ changes: [write(1n, 99, 'x')], truncates: [] }), (error: unknown) => {
        assert.ok(isGatewayError(error) && error.code === 'CACHE_UNAVAILABLE' && error.retriable, String(error));
        return true;
      });
    } finally {
      closed.disconnect();
    }
  });
});

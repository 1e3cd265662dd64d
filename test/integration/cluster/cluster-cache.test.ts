import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { createCacheAsideReader } from '../../../src/cache/cache-aside.js';
import type { RedisConnection } from '../../../src/cache/redis-client.js';
import { keyHoldingNodes } from '../../../src/cache/redis-client.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import { formatVersion } from '../../../src/rows/row-version.js';
import type { ClusterGateway } from '../../support/redis-cluster.js';
import { startClusterGateway, startTestCluster } from '../../support/redis-cluster.js';
import { entityChange } from '../sync/sync-fixtures.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { gatedRowSource } from '../../support/gated-row-source.js';

/** How many keys under `prefix` each master holds. */
async function keysPerMaster(redis: RedisConnection, prefix: string): Promise<number[]> {
  return Promise.all(
    keyHoldingNodes(redis).map(async (node) => {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        count += keys.length;
      } while (cursor !== '0');
      return count;
    }),
  );
}

describe('the cache on a 3-master Redis Cluster', () => {
  let gateway: ClusterGateway;
  let writer: Pool;
  const ids: number[] = [];

  before(async () => {
    const nodes = await startTestCluster();
    writer = createWriterPool();
    for (let index = 0; index < 100; index += 1) {
      const id = uniqueId();
      ids.push(id);
      await insertProduct(writer, id, { name: `cluster product ${index}` });
    }
    gateway = await startClusterGateway(nodes);
  });
  after(async () => {
    if (ids.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer.end();
    await gateway.close();
  });

  it('answers 100 ids spread over every master in one request: one SELECT cold, none warm', async () => {
    const query = `{ products(ids: [${ids.map((id) => `"${id}"`).join(',')}]) { id name } }`;
    const { metrics } = gateway.services;
    const sqlBefore = metrics.snapshot().sql_queries;
    const cold = await gateway.query(query);
    assert.equal(cold.status, 200, cold.text);
    assert.equal(cold.body.errors, undefined, cold.text);
    const products = cold.body.data?.products as { id: string; name: string }[];
    assert.deepEqual(
      products.map((product) => Number(product.id)),
      ids,
    );
    assert.equal(metrics.snapshot().sql_queries - sqlBefore, 1, 'the misses of all 100 rows are one SELECT');

    const spread = await keysPerMaster(gateway.cluster, `${gateway.config.redis.keyPrefix}products:`);
    assert.equal(spread.length, 3);
    assert.ok(
      spread.every((count) => count > 10),
      `rows are spread over every master (no hash tag): ${spread.join(', ')}`,
    );
    assert.equal(
      spread.reduce((sum, count) => sum + count, 0),
      100,
    );

    const hitsBefore = metrics.snapshot().cache_hits;
    const warm = await gateway.query(query);
    assert.deepEqual(warm.body, cold.body);
    assert.equal(metrics.snapshot().sql_queries - sqlBefore, 1, 'the warm request reads no row from MySQL');
    assert.equal(metrics.snapshot().cache_hits - hitsBefore, 100);
  });

  it('applies CDC changes through the Redis applier on every master, version-guarded', async () => {
    const { cache } = gateway.services;
    const keyPrefix = gateway.config.redis.keyPrefix;
    // redis-applier.ts still types its client as a single Redis; it only uses it to SCAN on truncate.
    const applier = createRedisApplier({ cache, redis: gateway.cluster, keyPrefix });
    const changed = ids.slice(0, 60);
    const change = (id: number, op: 'update' | 'delete', version: bigint, name: string) =>
      entityChange(productEntity, op, version, { id, name });
    const writes = changed.slice(0, 40).map((id) => change(id, 'update', 5_000n, `applied ${id}`));
    const deletes = changed.slice(40).map((id) => change(id, 'delete', 5_000n, ''));
    const outcome = await applier.apply({ changes: [...writes, ...deletes], truncates: [] });
    assert.deepEqual(outcome, { applied: 60, stale: 0 });
    const replay = await applier.apply({ changes: changed.map((id) => change(id, 'update', 4_000n, 'older')), truncates: [] });
    assert.deepEqual(replay, { applied: 0, stale: 60 }, 'an older replay lands nowhere');

    const lookups = await cache.lookup(productEntity, changed.map(String));
    // A write over a read-path fill becomes an invalidation (see applyChangeScript); deletes are tombstones.
    lookups.slice(0, 40).forEach((lookup) => assert.equal(lookup.state, 'miss'));
    lookups.slice(40).forEach((lookup) => assert.equal(lookup.state, 'known-missing'));
    const raw = await gateway.cluster.get(cache.keyOf(productEntity, String(changed[0])));
    assert.equal(raw, `I|${formatVersion(5_000n)}|`);
  });

  for (const change of ['update', 'delete'] as const) {
    it(`rejects a stale fill when the ${change} lands between the reader's SELECT and its fill`, async () => {
      const id = uniqueId();
      ids.push(id);
      await insertProduct(writer, id, { name: 'old name' });
      const { cache, metrics, rows } = gateway.services;
      const gated = gatedRowSource(rows);
      const reading = createCacheAsideReader({ cache, rows: gated.rows, metrics }).loadMany(productEntity, [String(id)]);
      await gated.hasRead;
      if (change === 'update') {
        await execute(writer, 'UPDATE products SET name = ? WHERE id = ?', ['new name', id]);
        const fresh = (await rows.selectByIds(productEntity, [String(id)])).get(String(id)) ?? null;
        assert.equal(
          (await cache.applyChanges(productEntity, [{ id: String(id), version: formatVersion(1000n), kind: 'write', row: fresh }])).applied,
          1,
        );
      } else {
        await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
        assert.equal(
          (await cache.applyChanges(productEntity, [{ id: String(id), version: formatVersion(1000n), kind: 'delete', row: null }])).applied,
          1,
        );
      }
      const rejectedBefore = metrics.snapshot().cache_fills_rejected;
      gated.openGate();
      const [answered] = await reading;
      assert.equal(answered?.name, 'old name');
      assert.equal(metrics.snapshot().cache_fills_rejected, rejectedBefore + 1, 'its fill was rejected');
      const [cached] = await cache.lookup(productEntity, [String(id)]);
      if (change === 'update')
        assert.ok(cached?.state === 'miss' || (cached?.state === 'hit' && cached.row.name === 'new name'), JSON.stringify(cached));
      else assert.equal(cached?.state, 'known-missing');
      const [fresh] = await createCacheAsideReader({ cache, rows, metrics }).loadMany(productEntity, [String(id)]);
      assert.equal(fresh?.name ?? null, change === 'update' ? 'new name' : null);
    });
  }
});

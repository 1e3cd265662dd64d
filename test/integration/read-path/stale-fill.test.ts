import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { createCacheAsideReader } from '../../../src/cache/cache-aside.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { formatVersion } from '../../../src/rows/row-version.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { gatedRowSource } from '../../support/gated-row-source.js';

/** A row source that really reads MySQL, then waits at a gate before handing the rows back. */
describe('a read-path fill racing a CDC change', () => {
  let gateway: GatewayHarness;
  let writer: Pool;
  const ids: number[] = [];

  before(async () => {
    gateway = await startHarness();
    writer = createWriterPool();
  });
  after(async () => {
    if (ids.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer.end();
    await gateway.close();
  });

  for (const change of ['update', 'delete'] as const) {
    it(`never leaves the old row in the cache when the ${change} lands between the reader's SELECT and its fill`, async () => {
      const id = uniqueId();
      ids.push(id);
      await insertProduct(writer, id, { name: 'old name' });
      const { cache, metrics } = gateway.services;
      const gated = gatedRowSource(gateway.services.rows);
      const reader = createCacheAsideReader({ cache, rows: gated.rows, metrics });

      // 1. The reader misses and takes a lease, 2. reads the OLD row from MySQL, then stalls.
      const reading = reader.loadMany(productEntity, [String(id)]);
      await gated.hasRead;

      // 3. The change commits and the CDC applier writes it (version-guarded) while the reader stalls.
      if (change === 'update') {
        await execute(writer, 'UPDATE products SET name = ? WHERE id = ?', ['new name', id]);
        const [fresh] = await gateway.services.rows.selectByIds(productEntity, [String(id)]).then((found) => [...found.values()]);
        const { applied } = await cache.applyChanges(productEntity, [
          { id: String(id), version: formatVersion(1000n), kind: 'write', row: fresh ?? null },
        ]);
        assert.equal(applied, 1);
      } else {
        await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
        const { applied } = await cache.applyChanges(productEntity, [
          { id: String(id), version: formatVersion(1000n), kind: 'delete', row: null },
        ]);
        assert.equal(applied, 1);
      }
      const rejectedBefore = metrics.snapshot().cache_fills_rejected;

      // 4. The reader resumes and tries to fill with the old row it read.
      gated.openGate();
      const [answered] = await reading;
      assert.equal(answered?.name, 'old name', 'the stalled reader answers what it read (a read that began before the change)');
      assert.equal(metrics.snapshot().cache_fills_rejected, rejectedBefore + 1, 'its fill was rejected');

      const [cached] = await cache.lookup(productEntity, [String(id)]);
      // The new row or nothing (an invalidation: the lease showed a reader was filling), never the old one.
      if (change === 'update')
        assert.ok(cached?.state === 'miss' || (cached?.state === 'hit' && cached.row.name === 'new name'), JSON.stringify(cached));
      else assert.equal(cached?.state, 'known-missing');

      // A fresh read now sees the change.
      const [after] = await createCacheAsideReader({ cache, rows: gateway.services.rows, metrics }).loadMany(productEntity, [String(id)]);
      assert.equal(after?.name ?? null, change === 'update' ? 'new name' : null);
    });
  }

  it('does not let an older replayed change overwrite a newer one', async () => {
    const id = String(uniqueId());
    const { cache } = gateway.services;
    const row = (name: string) => ({ id: Number(id), name });
    await cache.applyChanges(productEntity, [{ id, version: formatVersion(20n), kind: 'write', row: row('v20') }]);
    const replay = await cache.applyChanges(productEntity, [{ id, version: formatVersion(10n), kind: 'write', row: row('v10') }]);
    assert.deepEqual(replay, { applied: 0, stale: 1, appliedIds: [] });
    const [cached] = await cache.lookup(productEntity, [id]);
    assert.equal(cached?.state === 'hit' ? cached.row.name : null, 'v20');
  });

  it('keeps a deleted row deleted when an older update is replayed after the delete', async () => {
    const id = String(uniqueId());
    const { cache } = gateway.services;
    await cache.applyChanges(productEntity, [{ id, version: formatVersion(30n), kind: 'delete', row: null }]);
    await cache.applyChanges(productEntity, [
      { id, version: formatVersion(25n), kind: 'write', row: { id: Number(id), name: 'resurrected' } },
    ]);
    const [cached] = await cache.lookup(productEntity, [id]);
    assert.equal(cached?.state, 'known-missing');
  });
});

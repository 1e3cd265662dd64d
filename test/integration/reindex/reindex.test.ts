import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { isGatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { orderEntity } from '../../../src/schema/order.type.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { entitiesNeedingBackfill, reindexDependencies, reindexEntities } from '../../../src/reindex/backfill.js';
import type { SearchableEntity } from '../../../src/schema/entity.js';
import { buildAliasOf, readAliases } from '../../../src/index/aliases.js';
import { guardAlias, searchAlias } from '../../../src/index/index-manager.js';
import type { ReindexDependencies } from '../../../src/reindex/reindex-run.js';
import { abortReindex, reindexEntity } from '../../../src/reindex/reindexer.js';
import { readReindexState } from '../../../src/reindex/state.js';
import { readSyncState } from '../../../src/index/search-documents.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import { recentHistory, startGroupAt } from '../../support/topic-positions.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct } from '../../support/writer.js';
import { deleteHarnessIndices, idBlock, waitFor } from '../search/search-fixtures.js';

const products = productEntity as SearchableEntity;
const orders = orderEntity as SearchableEntity;

describe('zero-downtime reindex on real Elasticsearch and MariaDB, with the CDC consumer writing', () => {
  const tag = `it-${randomBytes(4).toString('hex')}`;
  const group = `it-reindex-${randomBytes(4).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let deps: ReindexDependencies;
  let consumer: CdcConsumer | null = null;
  let admin: Admin;
  const touched: { table: string; ids: string[] }[] = [];

  const alias = (entity: SearchableEntity) => searchAlias(deps.indexPrefix, entity.search);
  const caughtUp = () => waitForGroupCaughtUp(admin, group, new RegExp(gateway.config.kafka.topicPattern), 180_000);
  const crashAfter = (pages: number) => {
    let seen = 0;
    return () => {
      seen += 1;
      return seen >= pages ? Promise.reject(new Error('simulated crash')) : Promise.resolve();
    };
  };

  async function documents(
    entity: SearchableEntity,
    ids: readonly string[],
    index = alias(entity),
  ): Promise<Map<string, Record<string, unknown> | null>> {
    const { docs } = await gateway.services.search.mget<Record<string, unknown>>({ index, ids: [...ids], realtime: true });
    return new Map(docs.map((doc) => [doc._id, 'found' in doc && doc.found ? (doc._source ?? null) : null]));
  }

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group } });
    deps = reindexDependencies(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
  });

  after(async () => {
    await consumer?.stop();
    await admin.disconnect();
    for (const { table, ids } of touched)
      if (ids.length > 0) await execute(writer, `DELETE FROM ${table} WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    await writer.end();
    await deleteHarnessIndices(gateway);
    await gateway.close();
  });

  it(
    'backfills every empty index on first start while the consumer replays history into it, then finds nothing more to do',
    { timeout: 300_000 },
    async () => {
      // Recent history only (the last 5,000 changes of each partition): older changes racing the copy
      // are what this is about, and the stack's whole history grows with every run.
      await startGroupAt(admin, group, await recentHistory(admin, new RegExp(gateway.config.kafka.topicPattern), 5_000));
      // As at start-up: decide before the consumer writes anything, then let both run.
      const needed = await entitiesNeedingBackfill(deps);
      assert.deepEqual(needed.map((entity) => entity.search.index).sort(), [
        'categories',
        'commissions',
        'order-items',
        'orders',
        'products',
      ]);
      consumer = createCdcRuntime(gateway.services);
      await consumer.start();
      const reports = await reindexEntities(deps, needed, { dropDelayMs: 0, countCheckTimeoutMs: 240_000 });
      for (const report of reports) {
        assert.ok(report.rows > 0, `${report.entity} copied rows`);
        assert.equal(report.liveDocuments, report.databaseRows, `${report.entity}: live documents equal the table's rows`);
        assert.equal(report.copy.rejected, 0);
      }
      assert.deepEqual(await entitiesNeedingBackfill(deps), []);
      await caughtUp();
    },
  );

  it(
    'reindexes products while rows change and searches run: no lost update, no resurrection, no failed search',
    { timeout: 300_000 },
    async () => {
      const block = idBlock(120);
      const ids = Array.from({ length: 120 }, (_, n) => String(block + n));
      touched.push({ table: 'products', ids });
      const live = new Set<string>();
      for (const id of ids.slice(0, 60)) {
        await insertProduct(writer, Number(id), { tags: JSON.stringify([tag]), name: `Reindex probe ${id}` });
        live.add(id);
      }
      await caughtUp();
      await deps.client.indices.refresh({ index: alias(products) });

      // Writes stop when the copy ends, before the swap: a change lost in between would not be hidden by a later one.
      let stopWrites = false;
      let stopSearches = false;
      let copyingProbes = false;
      let nextInsert = 60;
      const changes = { updates: 0, deletes: 0, inserts: 0 };
      const writing = (async () => {
        // Bounded and mostly slow: every change stays in the CDC topics, and every new consumer group
        // replays them all. Fast only while the probe rows' pages are being copied.
        for (let n = 0; !stopWrites && n < 3_000; n += 1) {
          const pick = [...live][Math.floor(Math.random() * live.size)] as string;
          const roll = Math.random();
          if (roll < 0.12 && live.size > 20) {
            await execute(writer, 'DELETE FROM products WHERE id = ?', [pick]);
            live.delete(pick);
            changes.deletes += 1;
          } else if (roll < 0.25 && nextInsert < ids.length) {
            const id = ids[nextInsert++] as string;
            await insertProduct(writer, Number(id), { tags: JSON.stringify([tag]), name: `Reindex probe ${id}` });
            live.add(id);
            changes.inserts += 1;
          } else {
            await execute(writer, 'UPDATE products SET stock = stock + 1, name = ? WHERE id = ?', [`Reindex probe ${pick} v${n}`, pick]);
            changes.updates += 1;
          }
          await sleep(copyingProbes ? 4 : 50);
        }
      })();
      const failures: string[] = [];
      let searches = 0;
      const searching = (async () => {
        while (!stopSearches) {
          const response = await gateway.query(
            'query ($f: ProductSearchFilter) { searchProducts(query: "reindex probe", filter: $f, first: 5) { totalCount nodes { id } } }',
            { f: { tags: [tag] } },
          );
          const total = (response.body.data?.searchProducts as { totalCount?: number } | undefined)?.totalCount ?? 0;
          // The probe rows are copied last: an alias ever pointing at an unfinished index would find none.
          if (response.body.errors !== undefined || total === 0)
            failures.push(`${new Date().toISOString()} ${response.text.slice(0, 300)}`);
          searches += 1;
          await sleep(10);
        }
      })();

      const previous = (await readAliases(deps.client, [alias(products)])).get(alias(products))?.[0];
      // Slow pages over the probe rows, so changes land before, during and after their page is copied.
      const report = await reindexEntity(deps, products, {
        chunkSize: 20,
        dropDelayMs: 1_000,
        afterPage: async (lastKey) => {
          copyingProbes = lastKey !== null && BigInt(lastKey) >= BigInt(block) - 1000n;
          if (copyingProbes) await sleep(300);
        },
        onProgress: ({ copyDone }) => (stopWrites ||= copyDone),
      }).finally(async () => {
        stopWrites = true;
        stopSearches = true;
        await Promise.all([writing, searching]);
      });
      await caughtUp();
      await deps.client.indices.refresh({ index: alias(products) });

      assert.notEqual(report.index, previous);
      assert.deepEqual((await readAliases(deps.client, [alias(products)])).get(alias(products)), [report.index]);
      assert.equal(await deps.client.indices.exists({ index: previous ?? '' }), false, 'the old index is dropped');
      assert.equal((await readAliases(deps.client, [buildAliasOf(alias(products))])).size, 0, 'no build alias left');
      assert.equal(await readReindexState(deps.client, guardAlias(deps.indexPrefix), alias(products)), null, 'no reindex state left');
      assert.deepEqual(failures, [], 'every search during the reindex answered with the probe rows');
      assert.ok(searches > 20, `searches ran throughout (${searches})`);

      const rows = await gateway.services.rows.selectByIds(products, ids);
      const docs = await documents(products, ids);
      const wrong = ids.flatMap((id) => {
        const row = rows.get(id);
        const doc = docs.get(id) ?? null;
        const state = readSyncState(doc);
        if (row === undefined) return state === null || state.deleted ? [] : [`${id} resurrected`];
        return doc !== null && state?.deleted === false && doc.name === row.name && doc.stock === row.stock
          ? []
          : [`${id} lost update (db ${JSON.stringify([row.name, row.stock])}, index ${JSON.stringify([doc?.name, doc?.stock])})`];
      });
      assert.deepEqual(wrong, []);
      assert.ok(changes.updates > 100 && changes.deletes > 0 && changes.inserts > 0, JSON.stringify(changes));
      console.log(
        `reindex of ${report.rows} products with ${JSON.stringify(changes)} changes and ${searches} searches meanwhile: ${report.durationMs} ms`,
      );
    },
  );

  it('resumes a reindex that crashed mid-copy; the consumer keeps the new index current meanwhile', { timeout: 120_000 }, async () => {
    await assert.rejects(reindexEntity(deps, orders, { chunkSize: 100, afterPage: crashAfter(2) }), /simulated crash/);
    const state = await readReindexState(deps.client, guardAlias(deps.indexPrefix), alias(orders));
    assert.ok(state !== null && state.state.lastKey !== null && !state.state.copyDone, 'the state records where the copy stopped');
    assert.equal(state.state.heartbeatAt, 0, 'the crashed run released its lease');

    const id = String(idBlock(1));
    touched.push({ table: 'orders', ids: [id] });
    await execute(writer, 'INSERT INTO orders (id, user_id, status, total, currency) VALUES (?, 1, ?, ?, ?)', [id, 'paid', '12.34', 'CNY']);
    const inBuild = await waitFor(
      async () => (await documents(orders, [id], buildAliasOf(alias(orders)))).get(id) ?? null,
      10_000,
      'the change written to the index being built',
    );
    assert.equal(inBuild.total_cents, 1234);

    const report = await reindexEntity(deps, orders, { dropDelayMs: 0 });
    assert.equal(report.resumed, true);
    assert.equal(report.index, state.state.target);
    assert.equal(report.liveDocuments, report.databaseRows);
    assert.equal((await documents(orders, [id])).get(id)?.total_cents, 1234);
  });

  it('discards an abandoned reindex on abort and leaves the live index untouched', async () => {
    const before = (await readAliases(deps.client, [alias(orders)])).get(alias(orders));
    await assert.rejects(reindexEntity(deps, orders, { chunkSize: 100, afterPage: crashAfter(1) }), /simulated crash/);
    const target = (await readReindexState(deps.client, guardAlias(deps.indexPrefix), alias(orders)))?.state.target ?? '';
    assert.equal(await abortReindex(deps, orders), true);
    assert.equal(await deps.client.indices.exists({ index: target }), false);
    assert.equal(await readReindexState(deps.client, guardAlias(deps.indexPrefix), alias(orders)), null);
    assert.deepEqual((await readAliases(deps.client, [alias(orders)])).get(alias(orders)), before);
    assert.equal(await abortReindex(deps, orders), false, 'nothing left to abort');
  });

  it('refuses a second run while the first holds a fresh lease', async () => {
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let paused = false;
    const first = reindexEntity(deps, orders, {
      chunkSize: 500,
      dropDelayMs: 0,
      afterPage: async () => {
        paused = true;
        await held;
      },
    });
    await waitFor(() => Promise.resolve(paused ? true : null), 10_000, 'the first run copied a page');
    await assert.rejects(reindexEntity(deps, orders), (error: unknown) => isGatewayError(error) && /already running/.test(error.message));
    release();
    assert.equal((await first).liveDocuments, (await first).databaseRows);
  });
});

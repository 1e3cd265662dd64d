import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { silentLogger } from '../../../src/observability/logger.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import { replayWithSecondGroup } from '../../support/replay-group.js';
import { startGroupAtTopicEnds, topicEnds } from '../../support/topic-positions.js';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import { createRedisClient, waitForRedis } from '../../../src/cache/redis-client.js';
import { repoRoot } from '../../../src/repo-root.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import { liveDocumentsFilter } from '../../../src/index/search-documents.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { compareCacheWithDatabase } from '../../support/cache-vs-database.js';
import { compareSearchWithDatabase } from '../../support/search-vs-database.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';
import { waitFor } from '../../support/wait-for.js';

describe('MariaDB → Debezium → Kafka → consumer → Redis, on the real stack', () => {
  const group = `it-pipeline-${randomBytes(4).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;
  let admin: Admin;
  const touched: string[] = [];
  const topics = () => new RegExp(gateway.config.kafka.topicPattern);

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group } });
    consumer = createCdcRuntime(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    // From the topics' ends: the stack's history grows with every run (the bench's F1 alone appends
    // ~11,000 changes), and these tests are about the changes they make themselves.
    await startGroupAtTopicEnds(admin, group, topics());
    await consumer.start();
    await waitFor(() => Promise.resolve(consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
    await waitForGroupCaughtUp(admin, group, topics(), 120_000);
  });
  after(async () => {
    await consumer.stop();
    await admin.disconnect();
    if (touched.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${touched.map(() => '?').join(',')})`, touched);
    await writer.end();
    await gateway.close();
  });

  it('makes an insert, an update and a delete visible through GraphQL and through search within one second each', async () => {
    const id = uniqueId();
    touched.push(String(id));
    const read = async () =>
      (await gateway.query(`{ product(id: "${id}") { name price } }`)).body.data?.product as { name: string; price: string } | null;
    const { search, config } = gateway.services;
    const index = searchAlias(config.elasticsearch.indexPrefix, productEntity.search);
    const searchable = async () => {
      const result = await search.search<{ name: string; price: string }>({
        index,
        query: { bool: { filter: [{ term: { id } }, liveDocumentsFilter] } },
      });
      return result.hits.hits[0]?._source ?? null;
    };
    const timings: string[] = [];
    const step = async (
      what: string,
      write: () => Promise<unknown>,
      graphqlDone: (product: Awaited<ReturnType<typeof read>>) => boolean,
      searchDone: (document: Awaited<ReturnType<typeof searchable>>) => boolean,
    ) => {
      const began = Date.now();
      await write();
      const [graphqlMs, searchMs] = await Promise.all([
        waitFor(async () => (graphqlDone(await read()) ? Date.now() - began : null), 1_000, `${what} visible through GraphQL`),
        waitFor(async () => (searchDone(await searchable()) ? Date.now() - began : null), 1_000, `${what} visible through search`),
      ]);
      timings.push(`${what}: GraphQL ${graphqlMs} ms, search ${searchMs} ms`);
    };
    await step(
      'insert',
      () => insertProduct(writer, id, { name: 'created' }),
      (p) => p?.name === 'created',
      (d) => d?.name === 'created',
    );
    await step(
      'update',
      () => execute(writer, 'UPDATE products SET name = ?, price = ? WHERE id = ?', ['updated', '99.95', id]),
      (p) => p?.price === '99.95',
      (d) => d?.name === 'updated',
    );
    await step(
      'delete',
      () => execute(writer, 'DELETE FROM products WHERE id = ?', [id]),
      (p) => p === null,
      (d) => d === null,
    );
    console.log(`commit → visible: ${timings.join('; ')}`);
  });

  it('changes nothing when the topics are replayed (from before its writes) after the stores reached their final state', async () => {
    const ids = [uniqueId(), uniqueId(), uniqueId()].map(String);
    touched.push(...ids);
    const beforeWrites = await topicEnds(admin, topics());
    for (const id of ids) await insertProduct(writer, Number(id));
    await execute(writer, `UPDATE products SET stock = stock + 5 WHERE id IN (?, ?, ?)`, ids);
    await execute(writer, 'DELETE FROM products WHERE id = ?', [ids[2]]);
    const { cache, rows } = gateway.services;
    await waitFor(
      async () => {
        const comparison = await compareCacheWithDatabase(cache, rows, productEntity, ids);
        const searched = await compareSearchWithDatabase(
          gateway.services.search,
          gateway.config.elasticsearch.indexPrefix,
          rows,
          gateway.services.registry,
          productEntity,
          ids,
        );
        return comparison.equal === ids.length && searched.equal === ids.length ? comparison : null;
      },
      10_000,
      'the cache and the index equal MySQL',
    );
    const before = await gateway.services.redis.mget(ids.map((id) => cache.keyOf(productEntity, id)));
    const index = searchAlias(gateway.config.elasticsearch.indexPrefix, productEntity.search);
    const documents = async () =>
      (await gateway.services.search.mget({ index, ids })).docs.map((doc) =>
        'found' in doc && doc.found ? { version: doc._version, source: doc._source } : null,
      );
    const documentsBefore = await documents();
    assert.equal(documentsBefore.filter((doc) => doc !== null).length, 3, 'two live documents and a tombstone');

    // A second group over the same stores replays every change made since (these and any others).
    await replayWithSecondGroup(admin, gateway.services, `${group}-replay`, beforeWrites);
    const afterReplay = await gateway.services.redis.mget(ids.map((id) => cache.keyOf(productEntity, id)));
    assert.deepEqual(afterReplay, before, 'every entry, version included, is unchanged');
    assert.deepEqual(await documents(), documentsBefore, 'every document, version included, is unchanged');
    const comparison = await compareCacheWithDatabase(cache, rows, productEntity, ids);
    assert.deepEqual(comparison.stale, []);
    const searchComparison = await compareSearchWithDatabase(
      gateway.services.search,
      gateway.config.elasticsearch.indexPrefix,
      rows,
      gateway.services.registry,
      productEntity,
      ids,
    );
    assert.deepEqual(searchComparison, { equal: 3, stale: [], missing: [], resurrected: [] });
  });

  it('ends equal to MySQL after the consumer is killed with SIGKILL in the middle of a write burst', { timeout: 240_000 }, async () => {
    // The killed consumer writes to stores of its own, so nothing else can cover for it.
    const keyPrefix = `${gateway.config.redis.keyPrefix}killed:`;
    const indexPrefix = `${gateway.config.elasticsearch.indexPrefix}killed-`;
    const env = {
      ...process.env,
      KAFKA_GROUP_ID: `${group}-killed`,
      REDIS_KEY_PREFIX: keyPrefix,
      ELASTICSEARCH_INDEX_PREFIX: indexPrefix,
      LOG_LEVEL: 'error',
    };
    // The test's own reads get a patient client: the gateway's 200 ms command timeout is for requests
    // (which fall back to MySQL), and a busy two-core machine can exceed it while the consumer works.
    const observer = createRedisClient({ url: gateway.config.redis.url, commandTimeoutMs: 5_000 });
    await waitForRedis(observer, 10_000);
    const cache = createEntityCache({ redis: observer, keyPrefix });
    const { rows, search, registry } = gateway.services;
    const startSync = (): ChildProcess => spawn(process.execPath, [`${repoRoot()}/dist/src/cli/sync.js`], { env, stdio: 'ignore' });
    // From the topics' ends (its empty search indices are backfilled from MySQL at start).
    await startGroupAtTopicEnds(admin, `${group}-killed`, topics());
    let child = startSync();
    const ids = Array.from({ length: 600 }, () => String(uniqueId()));
    touched.push(...ids);
    try {
      await waitForGroupCaughtUp(admin, `${group}-killed`, topics(), 120_000);
      const burst = (async () => {
        for (const [index, id] of ids.entries()) {
          await insertProduct(writer, Number(id), { stock: index });
          if (index % 3 === 0) await execute(writer, 'UPDATE products SET stock = stock + 1000 WHERE id = ?', [id]);
          if (index % 7 === 0) await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
        }
      })();
      const appliedBeforeKill = await waitFor(
        async () => {
          const lookups = await cache.lookup(productEntity, ids);
          const applied = lookups.filter((lookup) => lookup.state !== 'miss').length;
          // Any point strictly inside the burst will do; 600 rows keep that window seconds wide.
          return applied >= 1 && applied < ids.length ? applied : null;
        },
        120_000,
        'the first consumer applied part of the burst',
      );
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await burst;
      const [lookupsAfterKill] = [await cache.lookup(productEntity, ids)];
      assert.ok(
        lookupsAfterKill.some((lookup) => lookup.state === 'miss'),
        `the kill left work undone (${appliedBeforeKill} applied before it)`,
      );
      child = startSync();
      const comparison = await waitFor(
        async () => {
          const result = await compareCacheWithDatabase(cache, rows, productEntity, ids);
          return result.equal === ids.length ? result : null;
        },
        180_000,
        "the restarted consumer brought the cache to MySQL's state",
      );
      assert.deepEqual(comparison.stale, []);
      const searchComparison = await waitFor(
        async () => {
          const result = await compareSearchWithDatabase(search, indexPrefix, rows, registry, productEntity, ids);
          return result.equal === ids.length ? result : null;
        },
        60_000,
        'the search index equals MySQL',
      );
      assert.deepEqual(searchComparison, { equal: ids.length, stale: [], missing: [], resurrected: [] });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      const keys = await observer.keys(`${keyPrefix}*`);
      if (keys.length > 0) await observer.del(...keys);
      observer.disconnect();
      await deleteIndicesWithPrefix(search, indexPrefix).catch(() => undefined);
    }
  });
});

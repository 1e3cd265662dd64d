import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { problemsIn, runConsistencyCheck } from '../../../src/check/consistency-check.js';
import type { CheckDependencies } from '../../../src/check/consistency-check.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { repoRoot } from '../../../src/repo-root.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { entitiesNeedingBackfill, reindexDependencies, reindexEntities } from '../../../src/reindex/backfill.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { waitForGroupCaughtUp } from '../../../src/sync/consumer-lag.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';

describe('npm run check', () => {
  const group = `it-check-${randomBytes(4).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let admin: Admin;
  let consumer: CdcConsumer;
  let deps: CheckDependencies;
  const [kept, deleted] = [uniqueId(), uniqueId()];

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group } });
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    const pattern = new RegExp(gateway.config.kafka.topicPattern);
    // From the topics' ends, with the products index backfilled from MySQL as the gateway does on
    // first start: replaying the stack's whole history would take longer with every run.
    await startGroupAtTopicEnds(admin, group, pattern);
    const reindex = reindexDependencies(gateway.services);
    const backfill = (await entitiesNeedingBackfill(reindex)).filter((entity) => entity.table === productEntity.table);
    consumer = createCdcRuntime(gateway.services);
    await consumer.start();
    await reindexEntities(reindex, backfill);
    await insertProduct(writer, kept, { name: 'kept' });
    await insertProduct(writer, deleted, { name: 'deleted' });
    await execute(writer, 'DELETE FROM products WHERE id = ?', [deleted]);
    const { registry, rows, cache, redis, search, config } = gateway.services;
    deps = {
      registry,
      rows,
      cache,
      redis,
      search,
      keyPrefix: config.redis.keyPrefix,
      indexPrefix: config.elasticsearch.indexPrefix,
      waitForConsumer: () => waitForGroupCaughtUp(admin, group, pattern, 120_000),
    };
    await deps.waitForConsumer();
  });
  after(async () => {
    await consumer.stop();
    await admin.disconnect();
    await execute(writer, 'DELETE FROM products WHERE id IN (?, ?)', [kept, deleted]);
    await writer.end();
    await gateway.close();
  });

  const check = (repair: boolean) => runConsistencyCheck(deps, { tables: ['products'], batchSize: 500, maxRowsPerSecond: 100_000, repair });

  it('finds nothing wrong when the consumer kept both stores current', async () => {
    const [report] = await check(false);
    assert.ok((report?.rows ?? 0) > 0);
    assert.equal(problemsIn(report!), 0, JSON.stringify(report));
  });

  it('catches a corrupted cache entry and document and a resurrected row, and --repair fixes them', async () => {
    const { redis, cache, search, config } = gateway.services;
    const index = searchAlias(config.elasticsearch.indexPrefix, productEntity.search);
    // Corrupt the kept row in both stores, at its own version, and bring the deleted row back.
    const keptKey = cache.keyOf(productEntity, String(kept));
    const entry = (await redis.get(keptKey)) ?? '';
    assert.match(entry, /^R\|/);
    await redis.set(keptKey, entry.replace('"name":"kept"', '"name":"corrupted"'));
    await redis.set(
      cache.keyOf(productEntity, String(deleted)),
      `R|${'9'.repeat(19)}|${JSON.stringify({ id: deleted, name: 'back from the dead' })}`,
    );
    const keptDoc = await search.get<Record<string, unknown>>({ index, id: String(kept) });
    await search.index({
      index,
      id: String(kept),
      document: { ...keptDoc._source, name: 'corrupted' },
      version: keptDoc._version,
      version_type: 'external_gte',
      refresh: 'wait_for',
    });
    const deletedDoc = await search.get<Record<string, unknown>>({ index, id: String(deleted) });
    await search.index({
      index,
      id: String(deleted),
      document: { id: deleted, name: 'back from the dead' },
      version: deletedDoc._version,
      version_type: 'external_gte',
      refresh: 'wait_for',
    });

    const [found] = await check(false);
    assert.deepEqual(
      [found?.redis.stale, found?.redis.resurrected, found?.elasticsearch?.stale, found?.elasticsearch?.resurrected],
      [1, 1, 1, 1],
      JSON.stringify(found),
    );

    const env = {
      ...process.env,
      KAFKA_GROUP_ID: group,
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      ELASTICSEARCH_INDEX_PREFIX: config.elasticsearch.indexPrefix,
    };
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [`${repoRoot()}/dist/src/cli/check.js`, '--tables', 'products', ...args], { env }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const reported = await cli([]);
    assert.equal(reported.code, 1, reported.stdout);
    assert.match(reported.stdout, /^products\s+\d+\s+1\/0\/0\/1\s+1\/0\/0\/1$/m);

    const repaired = await cli(['--repair']);
    assert.equal(repaired.code, 0, repaired.stdout);
    const clean = await cli([]);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /no problems found/);
    const answer = await gateway.query(`{ a: product(id: "${kept}") { name } b: product(id: "${deleted}") { name } }`);
    assert.deepEqual(answer.body.data, { a: { name: 'kept' }, b: null });
  });
});

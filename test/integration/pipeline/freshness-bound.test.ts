import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import type { FreshnessExtension } from '../../../src/server/freshness-plugin.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import type { LivePipeline } from './pipeline-fixture.js';
import { startLivePipeline, waitUntil } from './pipeline-fixture.js';

interface Answer {
  readonly data: { product?: { name: string } | null; searchProducts?: unknown } | null;
  readonly extensions?: { freshness?: FreshnessExtension; warnings?: { code: string; store: string }[] };
}

/**
 * The staleness bound a response states, on the real pipeline (MariaDB → Debezium → Kafka → this
 * gateway's consumer → Redis/Elasticsearch): true when idle (the watermark's age, not the age of the
 * last change), and honoured when the consumer is held back (MySQL answers, search warns).
 */
describe('a staleness bound that is true, on the real pipeline', () => {
  let live: LivePipeline;
  let writer: Pool;
  const id = uniqueId();
  const ask = async (query: string, headers: Record<string, string> = {}) =>
    (await live.gateway.query(query, {}, { 'x-gateway-freshness': '1', ...headers })).body as unknown as Answer;
  const productName = async (headers: Record<string, string> = {}, directive = '') =>
    (await ask(`query P ${directive} { product(id: "${id}") { name } }`, headers)).data?.product?.name ?? null;

  before(async () => {
    writer = createWriterPool();
    live = await startLivePipeline();
    await insertProduct(writer, id, { name: 'first name' });
    await waitUntil(async () => (await productName()) === 'first name', 30_000, 'the insert reached the gateway');
  });
  after(async () => {
    await live.close();
    await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
    await writer.end();
  });

  it("when caught up and idle, reports the watermark's age, not the age of the last change", async () => {
    await execute(writer, 'UPDATE products SET name = ? WHERE id = ?', ['second name', id]);
    await waitUntil(async () => (await productName()) === 'second name', 30_000, 'the update reached Redis');
    const changedAt = Date.now();
    await sleep(3_000);
    const answer = await ask(`{ product(id: "${id}") { name } }`);
    const redis = answer.extensions?.freshness?.stores['redis'];
    assert.ok(redis, `redis is reported: ${JSON.stringify(answer.extensions)}`);
    assert.equal(redis.caughtUp, true);
    assert.ok(redis.ageMs !== null && redis.ageMs < 1_500, `watermark age ${redis.ageMs} ms (probes every 250 ms)`);
    assert.ok(
      redis.newestAppliedCommitMs !== null && Date.now() - redis.newestAppliedCommitMs >= 3_000,
      'while the newest applied change is older than 3 s',
    );
    assert.ok(redis.newestAppliedCommitMs <= changedAt);
  });

  it('answers from MySQL when the consumer is held back beyond @maxStaleness, and warns on search', async () => {
    assert.equal(await productName(), 'second name', 'cached');
    await live.consumer.stop();
    await execute(writer, 'UPDATE products SET name = ? WHERE id = ?', ['third name', id]);
    await sleep(1_500);
    assert.equal(await productName(), 'second name', 'without a bound: the cached answer, stale');
    assert.equal(await productName({}, '@maxStaleness(ms: 1000)'), 'third name', 'with the directive: from MySQL');
    assert.equal(await productName({ 'x-max-staleness-ms': '1000' }), 'third name', 'with the header: from MySQL');
    const bounded = await ask(`query S @maxStaleness(ms: 1000) { product(id: "${id}") { name } }`);
    assert.ok(bounded.extensions?.freshness?.stores['mysql'], 'the answer says it came from the database');
    assert.equal(bounded.extensions?.freshness?.maxStalenessMs, 1000);
    const search = await ask('query S @maxStaleness(ms: 1000) { searchProducts(query: "name") { totalCount } }');
    const warned = (search.extensions?.warnings ?? [])
      .filter((warning) => warning.code === 'STALE_BEYOND_BOUND')
      .map((warning) => warning.store);
    assert.ok(warned.includes('elasticsearch'), `search warns: ${JSON.stringify(search.extensions)}`);
    const generous = await ask('query S @maxStaleness(ms: 600000) { searchProducts(query: "name") { totalCount } }');
    assert.equal(generous.extensions?.warnings, undefined, 'no warning when the bound holds');
  });
});

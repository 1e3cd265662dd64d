import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FreshnessExtension } from '../../../src/server/freshness-plugin.js';
import type { ConsumerStatus } from '../../../src/sync/cdc-consumer.js';
import { uniqueId } from '../../support/writer.js';
import type { OpsGateway } from './ops-gateway.js';
import { startOpsGateway } from './ops-gateway.js';

describe('freshness in the response', () => {
  let gateway: OpsGateway;
  let apiOnly: OpsGateway;
  const appliedAt = Date.now() - 2_000;
  const status: ConsumerStatus = {
    joined: true,
    partitions: [
      {
        topic: 'shop.shop.products',
        partition: 0,
        lag: 4,
        lastAppliedOffset: '41',
        lastAppliedAtMs: appliedAt,
        lastFreshnessMs: 180,
        retrying: null,
      },
      {
        topic: 'shop.shop.products',
        partition: 1,
        lag: 1,
        lastAppliedOffset: '17',
        lastAppliedAtMs: appliedAt - 5_000,
        lastFreshnessMs: 90,
        retrying: null,
      },
    ],
    lastFreshnessMs: 180,
  };
  const freshnessOf = (body: unknown) => (body as { extensions?: { freshness?: FreshnessExtension } }).extensions?.freshness;

  before(async () => {
    gateway = await startOpsGateway({ consumerStatus: () => status });
    apiOnly = await startOpsGateway();
  });
  after(async () => {
    await gateway.close();
    await apiOnly.close();
  });

  it('reports nothing unless the client asks', async () => {
    const response = await gateway.query('{ product(id: "1") { id } }');
    assert.equal(freshnessOf(response.body), undefined);
  });

  it("reports this request's cache misses, then its hits, and the consumer's lag", async () => {
    const ids = [uniqueId(), uniqueId()];
    const query = `{ product(id: "2") { id } products(ids: ["${ids.join('","')}"]) { id } }`;
    const first = freshnessOf((await gateway.query(query, {}, { 'x-gateway-freshness': '1' })).body);
    assert.deepEqual({ hits: first?.cacheHits, misses: first?.cacheMisses }, { hits: 0, misses: 3 });
    const second = freshnessOf((await gateway.query(query, {}, { 'x-gateway-freshness': '1' })).body);
    assert.deepEqual({ hits: second?.cacheHits, misses: second?.cacheMisses }, { hits: 3, misses: 0 });
    assert.equal(second?.consumer?.joined, true);
    assert.equal(second?.consumer?.lagMessages, 5);
    assert.equal(second?.consumer?.freshnessLagMs, 180);
    assert.ok((second?.consumer?.lastAppliedAgoMs ?? 0) >= 2_000, 'measured from the most recently applied partition');
  });

  it('counts only its own request, however many run at the same time', async () => {
    const queries = Array.from({ length: 5 }, () => `{ products(ids: ["${uniqueId()}", "${uniqueId()}"]) { id } }`);
    const answers = await Promise.all(queries.map((query) => gateway.query(query, {}, { 'x-gateway-freshness': '1' })));
    for (const answer of answers) assert.equal(freshnessOf(answer.body)?.cacheMisses, 2);
  });

  it('says the consumer is unknown in a process that runs none (--api-only)', async () => {
    const response = await apiOnly.query('{ product(id: "1") { id } }', {}, { 'x-gateway-freshness': '1' });
    assert.equal(freshnessOf(response.body)?.consumer, null);
  });
});

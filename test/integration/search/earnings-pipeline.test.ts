import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { silentLogger } from '../../../src/observability/logger.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { TopicEnds } from '../../support/topic-positions.js';
import { startGroupAt, topicEnds } from '../../support/topic-positions.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, uniqueId } from '../../support/writer.js';
import { dataOf, deleteHarnessIndices, errorCodeOf, waitFor } from './search-fixtures.js';

/** Commit → visible in the summary: the CDC path plus one index refresh (500 ms by default). */
const FRESHNESS_BOUND_MS = 2_000;
const PERSONAL = { 'x-api-key': 'personal-key-0123456789' };

interface Summary {
  total: string;
  pending: string;
  settled: string;
  cancelled: string;
  count: number;
  byType: { key: string; count: number; amount: string }[];
  breakdown: { type: string; status: string; count: number; amount: string }[];
}

describe('earnings summary through MariaDB → Debezium → Kafka → consumer → Elasticsearch', () => {
  const group = `it-earnings-${randomBytes(4).toString('hex')}`;
  const userId = String(uniqueId());
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;
  let admin: Admin;
  /** Where the topics ended when the suite began: its consumers start there, not at the stack's whole history. */
  let suiteStart: TopicEnds[];
  const topics = () => new RegExp(gateway.config.kafka.topicPattern);

  const summary = async () =>
    dataOf<Summary>(
      await gateway.query(
        'query ($u: ID!) { earningsSummary(userId: $u) { total pending settled cancelled count byType { key count amount } breakdown { type status count amount } } }',
        { u: userId },
        PERSONAL,
      ),
      'earningsSummary',
    );

  /** Commits, then polls the summary until `done` holds; resolves with the milliseconds it took. */
  async function timed(change: () => Promise<unknown>, done: (current: Summary) => boolean, what: string): Promise<number> {
    const began = Date.now();
    await change();
    await waitFor(async () => (done(await summary()) ? true : null), FRESHNESS_BOUND_MS, what);
    return Date.now() - began;
  }

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group, API_KEYS: `app:${PERSONAL['x-api-key']}:personal` } });
    consumer = createCdcRuntime(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    suiteStart = await topicEnds(admin, topics());
    await startGroupAt(admin, group, suiteStart);
    await consumer.start();
    await waitFor(() => Promise.resolve(consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
  });

  after(async () => {
    await consumer.stop();
    await admin.disconnect();
    await execute(writer, 'DELETE FROM commissions WHERE user_id = ?', [userId]);
    await writer.end();
    await deleteHarnessIndices(gateway);
    await gateway.close();
  });

  it('follows an inserted, an updated and a deleted commission within the freshness bound', async () => {
    assert.deepEqual(await summary(), {
      total: '0.00',
      pending: '0.00',
      settled: '0.00',
      cancelled: '0.00',
      count: 0,
      byType: [],
      breakdown: [],
    });
    const [first, second] = [uniqueId(), uniqueId()];
    const insertMs = await timed(
      async () => {
        await execute(writer, 'INSERT INTO commissions (id, user_id, order_id, type, amount, status) VALUES (?, ?, NULL, ?, ?, ?)', [
          first,
          userId,
          'direct',
          '10.10',
          'pending',
        ]);
        await execute(writer, 'INSERT INTO commissions (id, user_id, order_id, type, amount, status) VALUES (?, ?, NULL, ?, ?, ?)', [
          second,
          userId,
          'team',
          '0.20',
          'pending',
        ]);
      },
      (current) => current.count === 2 && current.total === '10.30',
      'two inserted commissions counted',
    );
    const updateMs = await timed(
      () => execute(writer, "UPDATE commissions SET status = 'settled', settled_at = NOW(3) WHERE id = ?", [first]),
      (current) => current.settled === '10.10' && current.pending === '0.20',
      'the settled commission moved from pending to settled',
    );
    await timed(
      () => execute(writer, 'UPDATE commissions SET amount = ? WHERE id = ?', ['0.25', second]),
      (current) => current.pending === '0.25',
      'an amount change',
    );
    const deleteMs = await timed(
      () => execute(writer, 'DELETE FROM commissions WHERE id = ?', [first]),
      (current) => current.count === 1 && current.total === '0.25',
      'the deleted commission gone',
    );
    const final = await summary();
    assert.deepEqual(final.breakdown, [{ type: 'team', status: 'pending', count: 1, amount: '0.25' }]);
    assert.deepEqual(final.byType, [{ key: 'team', count: 1, amount: '0.25' }]);
    console.log(`commit → earnings summary: insert ${insertMs} ms, update ${updateMs} ms, delete ${deleteMs} ms`);
  });

  it('lists the commissions newest first, filtered, a page at a time', async () => {
    const ids = [uniqueId(), uniqueId(), uniqueId()];
    const created = ['2025-01-01 10:00:00.000', '2025-01-02 10:00:00.000', '2025-01-03 10:00:00.000'];
    for (const [n, id] of ids.entries()) {
      await execute(
        writer,
        'INSERT INTO commissions (id, user_id, order_id, type, amount, status, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)',
        [id, userId, 'bonus', `${n + 1}.00`, n === 1 ? 'cancelled' : 'settled', created[n]],
      );
    }
    const LIST = `query ($u: ID!, $f: EarningsFilter, $after: String) { earnings(userId: $u, filter: $f, first: 1, after: $after) { totalCount nodes { id amount } pageInfo { hasNextPage endCursor } } }`;
    const filter = { types: ['bonus'], statuses: ['settled'] };
    const page = async (after: string | null) =>
      dataOf<{ totalCount: number; nodes: { id: string; amount: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>(
        await gateway.query(LIST, { u: userId, f: filter, after }, PERSONAL),
        'earnings',
      );
    const firstPage = await waitFor(
      async () => {
        const current = await page(null);
        return current.totalCount === 2 ? current : null;
      },
      FRESHNESS_BOUND_MS,
      'the settled bonus commissions indexed',
    );
    assert.deepEqual(firstPage.nodes, [{ id: String(ids[2]), amount: '3.00' }]);
    assert.equal(firstPage.pageInfo.hasNextPage, true);
    const secondPage = await page(firstPage.pageInfo.endCursor);
    assert.deepEqual(secondPage.nodes, [{ id: String(ids[0]), amount: '1.00' }]);
    assert.equal(secondPage.pageInfo.hasNextPage, false);
    assert.equal(errorCodeOf(await gateway.query(LIST, { u: userId, f: { types: ['salary'] } }, PERSONAL)), 'BAD_USER_INPUT');
    assert.equal(errorCodeOf(await gateway.query(LIST, { u: userId })), 'UNAUTHENTICATED');
  });

  it("stays exact when a second consumer group replays the suite's whole history into the same index", async () => {
    const before = await summary();
    const replayGroup = `${group}-replay`;
    await startGroupAt(admin, replayGroup, suiteStart);
    const replay = createCdcRuntime({
      ...gateway.services,
      config: { ...gateway.services.config, kafka: { ...gateway.services.config.kafka, groupId: replayGroup } },
    });
    await replay.start();
    try {
      await waitForGroupCaughtUp(admin, replayGroup, topics(), 180_000);
    } finally {
      await replay.stop();
    }
    await gateway.services.search.indices.refresh({ index: `${gateway.config.elasticsearch.indexPrefix}*` });
    assert.deepEqual(await summary(), before);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import { createRedisClient, waitForRedis } from '../../../src/cache/redis-client.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { compareCacheWithDatabase } from '../../support/cache-vs-database.js';
import { testConfig } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import type { GatewayProcess } from './gateway-process.js';
import { spawnGateway } from './gateway-process.js';
import { eventually } from './ops-gateway.js';
import { Client } from '@elastic/elasticsearch';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

interface Outcome {
  readonly answered: boolean;
  readonly correct: boolean;
  readonly at: number;
  readonly detail: string;
}

describe('SIGTERM under load', { timeout: 240_000 }, () => {
  const run = randomBytes(4).toString('hex');
  const env = {
    KAFKA_GROUP_ID: `it-shutdown-${run}`,
    REDIS_KEY_PREFIX: `it:${run}:`,
    ELASTICSEARCH_INDEX_PREFIX: `it-${run}-`,
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    RATE_LIMIT_REQUESTS: '0',
    // Only the table the test changes: each new group's start offsets cost kafkajs seconds per topic.
    CDC_TOPIC_PATTERN: '^shop\\.shop\\.products$',
  };
  const config = testConfig(env);
  const ids = Array.from({ length: 20 }, () => uniqueId());
  let writer: Pool;
  let admin: Admin;

  before(async () => {
    writer = createWriterPool();
    for (const id of ids) await insertProduct(writer, id);
    admin = createKafka(config.kafka, silentLogger).admin();
    await admin.connect();
    // The new group starts at today's end of the topic: the test is about its own changes, not about
    // replaying the whole history (the pipeline tests do that).
    const pattern = new RegExp(config.kafka.topicPattern);
    for (const topic of (await admin.listTopics()).filter((name) => pattern.test(name))) {
      // Real offsets: kafkajs' resetOffsets stores a "latest" sentinel that fromBeginning overrides.
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: config.kafka.groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  });
  after(async () => {
    await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer.end();
    await admin.deleteGroups([config.kafka.groupId]).catch(() => undefined);
    await admin.disconnect();
    const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 2_000 });
    await waitForRedis(redis, 5_000);
    const keys = await redis.keys(`${config.redis.keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers every acknowledged request correctly, exits within the bound, and loses no applied change', async () => {
    const gateway = await spawnGateway(env);
    const outcomes: Outcome[] = [];
    let loading = true;
    let version = 0;

    const writeLoop = async () => {
      while (loading) {
        version += 1;
        const id = ids[version % ids.length];
        await execute(writer, 'UPDATE products SET name = ?, price = ? WHERE id = ?', [`shutdown ${version}`, `${version}.00`, id]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const readLoop = async (worker: number) => {
      for (let round = 0; loading; round += 1) {
        const id = String(ids[(worker * 7 + round) % ids.length]);
        const query = `{ product(id: "${id}") { id sku } products(ids: ["${ids.slice(0, 10).join('","')}"]) { id } }`;
        try {
          const response = await fetch(`${gateway.origin}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          });
          const text = await response.text();
          const body = JSON.parse(text) as { data?: { product?: { id: string; sku: string }; products?: unknown[] }; errors?: unknown };
          const correct =
            response.status === 200 &&
            body.errors === undefined &&
            body.data?.product?.id === id &&
            body.data.product.sku === `IT-${id}` &&
            body.data.products?.length === 10;
          outcomes.push({ answered: true, correct, at: Date.now(), detail: `${response.status} ${text.slice(0, 300)}` });
        } catch (error) {
          // No response: the request was never acknowledged (connection refused or closed after SIGTERM).
          outcomes.push({ answered: false, correct: false, at: Date.now(), detail: String(error) });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };

    const load = Promise.all([writeLoop(), ...Array.from({ length: 8 }, (_, worker) => readLoop(worker))]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const exit = await gateway.exited(signalledAt);
    await new Promise((resolve) => setTimeout(resolve, 300));
    loading = false;
    await load;

    assert.equal(exit.code, 0, gateway.output().slice(-3000));
    assert.ok(exit.afterMs < SHUTDOWN_TIMEOUT_MS + 1_000, `exited ${exit.afterMs} ms after SIGTERM`);
    const answered = outcomes.filter((outcome) => outcome.answered);
    const wrong = answered.filter((outcome) => !outcome.correct);
    assert.deepEqual(wrong.map((outcome) => outcome.detail).slice(0, 5), [], 'every response is a correct answer');
    assert.ok(answered.length > 20, `load ran: ${answered.length} answers`);
    assert.ok(
      answered.some((outcome) => outcome.at >= signalledAt),
      'requests in flight at SIGTERM were answered',
    );
    console.log(
      `shutdown: ${answered.length} answered, ${outcomes.length - answered.length} refused after SIGTERM, exit after ${exit.afterMs} ms, ${version} updates`,
    );

    await assertCommittedWhatWasApplied(gateway);
    await assertNoChangeLost(await spawnGateway(env));
  });

  /** The consumer's last words name what it applied; the group's committed offsets must match. */
  async function assertCommittedWhatWasApplied(gateway: GatewayProcess): Promise<void> {
    const stopped = gateway.logLines().find((line) => line.msg === 'consumer stopped; applied offsets committed');
    assert.ok(stopped, gateway.output().slice(-3000));
    const applied = (stopped.partitions as { topic: string; partition: number; lastAppliedOffset: string | null }[]).filter(
      (entry) => entry.lastAppliedOffset !== null,
    );
    assert.ok(
      applied.some((entry) => entry.topic.endsWith('.products')),
      'the consumer applied product changes during the run',
    );
    const committed = await admin.fetchOffsets({
      groupId: config.kafka.groupId,
      topics: [...new Set(applied.map((entry) => entry.topic))],
    });
    for (const entry of applied) {
      const offset = committed
        .find((topic) => topic.topic === entry.topic)
        ?.partitions.find((partition) => partition.partition === entry.partition)?.offset;
      assert.equal(
        offset,
        String(BigInt(entry.lastAppliedOffset ?? '0') + 1n),
        `${entry.topic}:${entry.partition} committed exactly what it applied`,
      );
    }
  }

  async function graphqlProducts(origin: string): Promise<Map<string, { name: string; price: string }>> {
    const query = `{ products(ids: ["${ids.join('","')}"]) { id name price } }`;
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: { products?: { id: string; name: string; price: string }[] } };
    return new Map((body.data?.products ?? []).map((product) => [product.id, product]));
  }

  /** After a restart the consumer picks up from the commit: the cache converges on MySQL for every row changed. */
  async function assertNoChangeLost(restarted: GatewayProcess): Promise<void> {
    const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 2_000 });
    await waitForRedis(redis, 5_000);
    const pool = createMysqlPool({ url: config.mysql.url, poolSize: 2 });
    const cache = createEntityCache({ redis, keyPrefix: config.redis.keyPrefix });
    const rows = createRowSource({ pool, metrics: createMetrics() });
    let last = '';
    // An entry the stream invalidated (rather than rewrote) reads as missing and is refilled from
    // MySQL; a lost change would leave an older row cached (stale) or answered through GraphQL.
    const converged = await eventually(
      async () => {
        const comparison = await compareCacheWithDatabase(cache, rows, productEntity, ids.map(String));
        const answered = await graphqlProducts(restarted.origin);
        const expected = await rows.selectByIds(productEntity, ids.map(String));
        const wrong = ids.filter((id) => {
          const row = expected.get(String(id));
          const product = answered.get(String(id));
          return row === undefined || product?.name !== row.name || product?.price !== row.price;
        });
        last = JSON.stringify({ ...comparison, wrongThroughGraphQL: wrong });
        return comparison.stale.length === 0 && wrong.length === 0;
      },
      60_000,
      'the cache and GraphQL equal MySQL for every product changed during the run',
    ).then(
      () => null,
      (error: unknown) => `${String(error)}: ${last}`,
    );
    const signalledAt = Date.now();
    restarted.child.kill('SIGTERM');
    const exit = await restarted.exited(signalledAt);
    redis.disconnect();
    await pool.end();
    const cleanup = new Client({ node: config.elasticsearch.url });
    await deleteIndicesWithPrefix(cleanup, config.elasticsearch.indexPrefix).catch(() => undefined);
    await cleanup.close();
    assert.equal(converged, null);
    assert.equal(
      exit.code,
      0,
      restarted
        .output()
        .split('\n')
        .filter((line) => !line.includes('"msg":"request"'))
        .slice(-40)
        .join('\n'),
    );
  }
});

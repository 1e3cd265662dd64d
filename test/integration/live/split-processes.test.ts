import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { createRedisClient } from '../../../src/cache/redis-client.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import type { GatewayProcess } from '../ops/gateway-process.js';
import { spawnGateway } from '../ops/gateway-process.js';
import { testConfig } from '../../support/gateway-harness.js';
import type { LiveConnection } from '../../support/live-client.js';
import { connectLive } from '../../support/live-client.js';
import { deleteKeysWithPrefix } from '../../support/redis-cluster.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { waitFor } from '../../support/wait-for.js';

describe('an --api-only gateway serving subscriptions fed by a --sync-only consumer in another process', { timeout: 300_000 }, () => {
  const unique = randomBytes(4).toString('hex');
  const env = {
    KAFKA_GROUP_ID: `it-live-split-${unique}`,
    REDIS_KEY_PREFIX: `it:${unique}:`,
    ELASTICSEARCH_INDEX_PREFIX: `it-${unique}-`,
    LOG_LEVEL: 'warn',
  };
  const config = testConfig(env);
  let writer: Pool;
  let admin: Admin;
  let consumer: GatewayProcess;
  let api: GatewayProcess;
  let live: LiveConnection;
  const id = uniqueId();

  before(async () => {
    writer = createWriterPool();
    admin = createKafka(config.kafka, silentLogger).admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, config.kafka.groupId, new RegExp(config.kafka.topicPattern));
    // Both processes serve /readyz; the consumer's turns green once it joined its group.
    [consumer, api] = await Promise.all([spawnGateway(env, ['--sync-only']), spawnGateway(env, ['--api-only'])]);
  });
  after(async () => {
    await live?.close().catch(() => undefined);
    for (const child of [api, consumer]) {
      if (child !== undefined && child.child.exitCode === null) {
        child.child.kill('SIGTERM');
        await child.exited(Date.now());
      }
    }
    await admin?.disconnect();
    await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
    await writer?.end();
    const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 2_000 });
    await deleteKeysWithPrefix(redis, config.redis.keyPrefix).catch(() => undefined);
    redis.disconnect();
    const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 30_000 });
    await deleteIndicesWithPrefix(search, config.elasticsearch.indexPrefix).catch(() => undefined);
    await search.close();
  });

  it('delivers an update and a delete committed in MariaDB to a graphql-ws subscriber of the API process', async () => {
    assert.equal((await fetch(`${consumer.origin}/graphql`, { method: 'POST' })).status, 404, 'the consumer process serves no GraphQL');
    live = connectLive(`${api.origin}/graphql`);
    const changes = live.subscribe(`subscription { productChanged(ids: ["${id}"]) { kind version row { price } } }`);
    // Subscribing is asynchronous: wait until the API process holds it before changing the row.
    await waitFor(
      async () => {
        const metrics = await (await fetch(`${api.origin}/metrics`)).text();
        return /gateway_live_subscriptions 1\b/.test(metrics) ? true : null;
      },
      20_000,
      'the API process holds the subscription',
    );
    const arrived = (kind: string) =>
      changes.waitFor(
        (result) => (result.data?.productChanged as { kind: string } | undefined)?.kind === kind,
        60_000,
        `the ${kind} event`,
      );
    // One change at a time: changes of a row within one consumer batch collapse into the newest.
    await insertProduct(writer, id, { price: '3.00' });
    await arrived('INSERT');
    await execute(writer, 'UPDATE products SET price = ? WHERE id = ?', ['4.25', id]);
    await arrived('UPDATE');
    await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
    await arrived('DELETE');
    const kinds = changes.results.map((result) => result.data?.productChanged as { kind: string; row: { price: string } | null });
    assert.deepEqual(
      kinds.map((change) => change.kind),
      ['INSERT', 'UPDATE', 'DELETE'],
    );
    assert.deepEqual(
      kinds.map((change) => change.row?.price ?? null),
      ['3.00', '4.25', null],
    );
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Producer } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { buildSchema } from 'type-graphql';
import { silentLogger } from '../../../src/observability/logger.js';
import { shopResolvers, shopSchemaOptions } from '../../../src/resolvers/build-schema.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import { shopEntities } from '../../../src/schema/shop-entities.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, uniqueId } from '../../support/writer.js';
import { wishlistResolver } from './wishlist.resolver.js';
import { wishlistEntity } from './wishlist.type.js';

describe('adding a table to the gateway', () => {
  const suffix = randomBytes(4).toString('hex');
  const table = `it_wishlists_${suffix}`;
  const topic = `it-${suffix}.shop.${table}`;
  const entity = wishlistEntity(table);
  const registry = createEntityRegistry([...shopEntities, entity]);
  let writer: Pool;
  let gateway: GatewayHarness;
  let admin: Admin;
  let producer: Producer;
  let consumer: CdcConsumer;

  before(async () => {
    writer = createWriterPool();
    await execute(
      writer,
      `CREATE TABLE ${table} (id BIGINT UNSIGNED PRIMARY KEY, user_id BIGINT UNSIGNED NOT NULL, note VARCHAR(200) NOT NULL, budget DECIMAL(10,3) NOT NULL, added_at DATETIME(3) NOT NULL) DEFAULT CHARSET=utf8mb4`,
    );
    const schema = await buildSchema({ resolvers: [...shopResolvers, wishlistResolver(entity)], ...shopSchemaOptions });
    gateway = await startHarness({ registry, schema });
    const kafka = createKafka(gateway.config.kafka, silentLogger);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 2 },
        { topic: `${topic}.dlq`, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    producer = kafka.producer();
    await producer.connect();
    const { cache, redis, rows, metrics } = gateway.services;
    consumer = createCdcConsumer({
      kafka,
      config: {
        ...gateway.config.kafka,
        groupId: `it-${suffix}`,
        topicPattern: `^it-${suffix}\\.`,
        deadLetterTopic: `${topic}.dlq`,
        format: 'debezium',
      },
      registry,
      appliers: [createRedisApplier({ cache, redis, keyPrefix: gateway.config.redis.keyPrefix })],
      rows,
      metrics,
      logger: silentLogger,
    });
    await consumer.start();
    // A cold broker takes a while to create the offsets topic and balance the first group.
    const joinDeadline = Date.now() + 60_000;
    while (!consumer.status().joined && Date.now() < joinDeadline) await sleep(100);
    assert.ok(consumer.status().joined, 'the consumer joined its group');
  });
  after(async () => {
    await consumer.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    await gateway.close();
    await execute(writer, `DROP TABLE IF EXISTS ${table}`);
    await writer.end();
  });

  it('serves the new entity cache-aside: a miss fills, the next read is a hit with the same answer', async () => {
    const id = uniqueId();
    await execute(writer, `INSERT INTO ${table} VALUES (?, 7, ?, '12.500', '2025-05-05 05:05:05.005')`, [id, '生日礼物 🎁']);
    const query = `{ wishlist(id: "${id}") { id userId note budget addedAt } }`;
    const miss = await gateway.query(query);
    assert.deepEqual(miss.body.data, {
      wishlist: { id: String(id), userId: '7', note: '生日礼物 🎁', budget: '12.500', addedAt: '2025-05-05T05:05:05.005Z' },
    });
    const sqlBefore = gateway.services.metrics.snapshot().sql_queries;
    const hit = await gateway.query(query);
    assert.equal(hit.text, miss.text);
    assert.equal(gateway.services.metrics.snapshot().sql_queries, sqlBefore);
  });

  it('keeps the new entity current from its CDC topic: an update is written to the cache, a delete tombstoned', async () => {
    const id = uniqueId();
    await execute(writer, `INSERT INTO ${table} VALUES (?, 8, 'in mysql', '1.000', '2025-05-05 05:05:05.005')`, [id]);
    const event = (op: 'u' | 'd', pos: number, after: Record<string, unknown> | null, before: Record<string, unknown> | null = null) => ({
      key: JSON.stringify({ id }),
      value: JSON.stringify({
        before,
        after,
        source: { connector: 'mariadb', db: 'shop', table, file: 'mariadb-bin.000001', pos, row: 0, ts_ms: Date.now(), snapshot: 'false' },
        op,
        ts_ms: Date.now(),
      }),
    });
    const read = async () => {
      const sqlBefore = gateway.services.metrics.snapshot().sql_queries;
      const response = await gateway.query(`{ wishlist(id: "${id}") { note budget addedAt } }`);
      return { wishlist: response.body.data?.wishlist, sql: gateway.services.metrics.snapshot().sql_queries - sqlBefore };
    };
    const until = async (predicate: (result: Awaited<ReturnType<typeof read>>) => boolean) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const result = await read();
        if (predicate(result) || Date.now() > deadline) return result;
        await sleep(50);
      }
    };

    // The stream says 'from the stream' while MySQL still says 'in mysql': answering the former with
    // no SQL proves the value came from the consumer's cache write, generic over the declaration.
    await producer.send({
      topic,
      messages: [event('u', 4242, { id, user_id: 8, note: 'from the stream', budget: '2.250', added_at: 1746421505005 })],
    });
    const updated = await until(
      (result) =>
        result.sql === 0 && result.wishlist !== undefined && (result.wishlist as { note: string } | null)?.note === 'from the stream',
    );
    assert.deepEqual(updated, { wishlist: { note: 'from the stream', budget: '2.250', addedAt: '2025-05-05T05:05:05.005Z' }, sql: 0 });

    await producer.send({
      topic,
      messages: [
        event('d', 4343, null, { id, user_id: 8, note: 'from the stream', budget: '2.250', added_at: 1746421505005 }),
        { key: JSON.stringify({ id }), value: null },
      ],
    });
    const deleted = await until((result) => result.sql === 0 && result.wishlist === null);
    assert.deepEqual(deleted, { wishlist: null, sql: 0 });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import type { GatewayConfig } from '../../../src/config/gateway-config.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import type { RowSource } from '../../../src/db/row-source.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import type { CdcConsumerTuning } from '../../../src/sync/consumer-tuning.js';
import { createCdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import type { StoreApplier } from '../../../src/sync/store-applier.js';
import { createWriterPool, insertProduct, uniqueId as uniqueRowId } from '../../support/writer.js';
import { debeziumMessage, expectedProduct, expectedUser, productImage, ticdcKeyOnly, userImage } from './cdc-messages.js';
import {
  KAFKA_BROKERS,
  MYSQL_URL,
  SCHEMA_REGISTRY_URL,
  connectRedis,
  deleteKeys,
  eventually,
  failingApplier,
  header,
  memberIds,
  readDeadLetters,
  uniqueId,
} from './sync-fixtures.js';

const run = uniqueId();
const topics = {
  products: `it-${run}-main.shop.products`,
  users: `it-${run}-main.shop.users`,
  poison: `it-${run}-poison.shop.products`,
  retry: `it-${run}-retry.shop.products`,
  deadLetter: `it-${run}.dead-letter`,
};
const registry = createShopRegistry();

describe('cdc consumer against real Kafka, Redis and MariaDB', { timeout: 180_000 }, () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let redis: Redis;
  let pool: Pool;
  let rows: RowSource;
  const consumers: CdcConsumer[] = [];
  const groups: string[] = [];
  const prefixes: string[] = [];

  function kafkaConfig(scenario: string, groupId: string): GatewayConfig['kafka'] {
    return {
      brokers: KAFKA_BROKERS,
      clientId: `it-${run}`,
      groupId,
      topicPattern: `^it-${run}-${scenario}\\.shop\\.[a-z_]+$`,
      format: 'auto',
      deadLetterTopic: topics.deadLetter,
      schemaRegistryUrl: SCHEMA_REGISTRY_URL,
      sasl: null,
      tls: { enabled: false, ca: null, rejectUnauthorized: true },
    };
  }

  function redisApplier(prefix: string): StoreApplier {
    return createRedisApplier({ cache: createEntityCache({ redis, keyPrefix: prefix }), redis, keyPrefix: prefix });
  }

  async function startConsumer(scenario: string, appliers: StoreApplier[], tuning: Partial<CdcConsumerTuning> = {}) {
    const groupId = `it-${run}-${scenario}-${uniqueId()}`;
    groups.push(groupId);
    const metrics = createMetrics();
    const consumer = createCdcConsumer({
      kafka,
      config: kafkaConfig(scenario, groupId),
      registry,
      appliers,
      rows,
      metrics,
      logger: silentLogger,
      tuning,
    });
    consumers.push(consumer);
    await consumer.start();
    await eventually(
      () => consumer.status().joined,
      () => JSON.stringify(consumer.status()),
    );
    return { consumer, groupId, metrics };
  }

  async function send(topic: string, messages: { key: string | null; value: string | null; headers?: IHeaders }[]) {
    return producer.send({ topic, acks: -1, messages });
  }

  /** Every partition's committed offset has reached its end (empty partitions need no commit). */
  async function committedToEnd(groupId: string, topic: string): Promise<boolean> {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every(
      ({ partition, high, low }) => high === low || committed?.partitions.find((p) => p.partition === partition)?.offset === high,
    );
  }

  async function committedOffsets(groupId: string, topic: string): Promise<string[]> {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? []).map(({ offset }) => offset);
  }

  async function rawValues(prefix: string): Promise<Map<string, string | null>> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    keys.sort();
    const values = keys.length === 0 ? [] : await redis.mget(keys);
    return new Map(keys.map((key, index) => [key, values[index] ?? null]));
  }

  const cachedRow = async (prefix: string, table: string, id: number | string) => {
    const raw = await redis.get(`${prefix}${table}:${id}`);
    return raw === null ? null : { tag: raw[0], row: raw[0] === 'R' ? (JSON.parse(raw.slice(22)) as unknown) : null };
  };

  before(async () => {
    redis = await connectRedis();
    pool = createMysqlPool({ url: MYSQL_URL, poolSize: 2 });
    await pool.query('SELECT 1');
    rows = createRowSource({ pool, metrics: createMetrics() });
    kafka = createKafka(kafkaConfig('main', 'unused'), silentLogger);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.products, numPartitions: 3 },
        { topic: topics.users, numPartitions: 2 },
        { topic: topics.poison, numPartitions: 1 },
        { topic: topics.retry, numPartitions: 2 },
        { topic: topics.deadLetter, numPartitions: 1 },
      ],
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
  });

  after(async () => {
    for (const consumer of consumers) await consumer.stop();
    await producer?.disconnect();
    if (admin !== undefined) {
      await admin.deleteGroups(groups).catch(() => undefined);
      await admin.deleteTopics({ topics: Object.values(topics) });
      await admin.disconnect();
    }
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    await redis?.quit();
    await pool?.end();
  });

  const mainPrefix = `it:${run}:main:`;
  prefixes.push(mainPrefix);

  it('applies Debezium changes and TiCDC key-only re-reads to Redis as canonical rows', async () => {
    // A row of its own for the re-read: the suite must not depend on demo data.
    const rereadId = uniqueRowId();
    const writer = createWriterPool();
    await insertProduct(writer, rereadId);
    const mug = productImage(900001, { name: 'Mug' });
    const mugXl = productImage(900001, { name: 'Mug XL', price: '24.50' });
    const gone = productImage(900002, { name: 'Gone' });
    await send(topics.products, [
      debeziumMessage('products', 'c', null, mug, 100),
      debeziumMessage('products', 'u', mug, mugXl, 200),
      debeziumMessage('products', 'c', null, gone, 300),
      debeziumMessage('products', 'd', gone, null, 400),
      { key: JSON.stringify({ id: 900002 }), value: null },
      ticdcKeyOnly(rereadId),
      ticdcKeyOnly(999_999_999),
    ]);
    await send(topics.users, [debeziumMessage('users', 'c', null, userImage(900001), 500)]);
    const { metrics } = await startConsumer('main', [redisApplier(mainPrefix)]);

    const databaseRow = (await rows.selectByIds(productEntity, [String(rereadId)])).get(String(rereadId));
    assert.ok(databaseRow !== undefined, 'the re-read row exists');
    const expected = new Map<string, unknown>([
      [`products:900001`, { tag: 'R', row: expectedProduct(900001, { name: 'Mug XL', price: '24.50' }) }],
      [`products:900002`, { tag: 'D', row: null }],
      [`users:900001`, { tag: 'R', row: expectedUser(900001) }],
      [`products:${rereadId}`, { tag: 'R', row: databaseRow }],
      [`products:999999999`, { tag: 'D', row: null }],
    ]);
    const actual = async () => {
      const entries = await Promise.all(
        [...expected.keys()].map(async (key) => [key, await cachedRow(mainPrefix, ...(key.split(':') as [string, string]))] as const),
      );
      return new Map(entries);
    };
    await eventually(
      async () => isDeepStrictEqual(await actual(), expected),
      async () => JSON.stringify([...(await actual())]),
    );
    assert.deepEqual(await actual(), expected);
    assert.equal(metrics.snapshot().cdc_rereads, 2);
    assert.ok(metrics.snapshot().cdc_ignored_messages >= 1, 'the Debezium tombstone is counted as ignored');
    assert.equal(metrics.cdcFreshness().count > 0, true);
    // Each store's own lag is exported beside cdc_lag: here the one store, caught up on every partition it fetched.
    const storeLags = () => [...metrics.gauges()].filter(([name]) => name.startsWith(`cdc_store_lag{topic=${topics.products},`));
    await eventually(
      () => storeLags().length > 0 && storeLags().every(([name, lag]) => name.endsWith(',store=redis}') && lag === 0),
      () => JSON.stringify(storeLags()),
    );
    await writer.execute('DELETE FROM products WHERE id = ?', [rereadId]);
    await writer.end();
  });

  it('leaves the cache unchanged when the same messages are consumed again', async () => {
    const before = await rawValues(mainPrefix);
    assert.equal(before.size, 5);
    const { groupId, metrics } = await startConsumer('main', [redisApplier(mainPrefix)]);
    await send(topics.products, [debeziumMessage('products', 'c', null, productImage(900001, { name: 'Late replay' }), 100)]);
    await eventually(
      async () => (await committedToEnd(groupId, topics.products)) && (await committedToEnd(groupId, topics.users)),
      async () => JSON.stringify(await admin.fetchOffsets({ groupId, topics: [topics.products, topics.users] })),
    );
    assert.deepEqual(await rawValues(mainPrefix), before);
    assert.ok(metrics.snapshot().cdc_stale_changes >= 5, JSON.stringify(metrics.snapshot()));
  });

  it('dead-letters undecodable messages with their original bytes and keeps applying later ones', async () => {
    const prefix = `it:${run}:poison:`;
    prefixes.push(prefix);
    const headers = { 'trace-id': 'poison-test' };
    const good = productImage(900103);
    const poison = [
      { key: JSON.stringify({ id: 900101 }), value: '{"before":null,"after":{"id":900101,"na', headers },
      { key: JSON.stringify({ id: 900102 }), value: JSON.stringify({ hello: 'world' }), headers },
      {
        key: JSON.stringify({ id: 900104 }),
        value: JSON.stringify({ before: null, after: productImage(900104), op: 'c', ts_ms: 1 }),
        headers,
      },
      { ...debeziumMessage('products', 'c', null, productImage(900105, { price: 'not money' }), 700), headers },
    ];
    const [sent] = await send(topics.poison, [...poison, debeziumMessage('products', 'c', null, good, 800)]);
    const firstOffset = Number(sent?.baseOffset ?? 0);
    const { groupId, metrics } = await startConsumer('poison', [redisApplier(prefix)]);

    await eventually(
      async () => isDeepStrictEqual(await cachedRow(prefix, 'products', 900103), { tag: 'R', row: expectedProduct(900103) }),
      async () => JSON.stringify(await cachedRow(prefix, 'products', 900103)),
    );
    const letters = await readDeadLetters(kafka, topics.deadLetter, poison.length, groups);
    assert.deepEqual(
      letters.map((letter) => [
        letter.key?.toString(),
        letter.value?.toString(),
        header(letter, 'trace-id'),
        header(letter, 'x-original-topic'),
        header(letter, 'x-original-partition'),
        header(letter, 'x-original-offset'),
      ]),
      poison.map((message, index) => [message.key, message.value, 'poison-test', topics.poison, '0', String(firstOffset + index)]),
    );
    assert.deepEqual(
      letters.map((letter) => header(letter, 'x-dead-letter-code')),
      ['CDC_DECODE_FAILED', 'CDC_UNKNOWN_FORMAT', 'CDC_UNKNOWN_FORMAT', 'CDC_DECODE_FAILED'],
    );
    assert.match(header(letters[0], 'x-dead-letter-error') ?? '', /not valid JSON/);
    assert.match(header(letters[3], 'x-dead-letter-error') ?? '', /price/);
    assert.equal(metrics.snapshot().cdc_dead_letters, poison.length);
    await eventually(
      () => committedToEnd(groupId, topics.poison),
      async () => JSON.stringify(await committedOffsets(groupId, topics.poison)),
    );
  });

  it('retries a failing store without committing, keeps its group membership, stops promptly, and applies everything later', async () => {
    const prefix = `it:${run}:retry:`;
    prefixes.push(prefix);
    const ids = [900201, 900202, 900203, 900204, 900205, 900206];
    await send(
      topics.retry,
      ids.map((id, index) => debeziumMessage('products', 'c', null, productImage(id), 1000 + index)),
    );
    const tuning = { retryInitialDelayMs: 50, retryMaxDelayMs: 400, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 };

    const outage = failingApplier(redisApplier(prefix), Number.POSITIVE_INFINITY);
    const first = await startConsumer('retry', [outage.applier], tuning);
    await eventually(
      () => outage.failures() >= 4,
      () => `failures: ${outage.failures()}`,
    );
    const member = await memberIds(admin, first.groupId);
    // Longer than the session timeout: only heartbeats sent while retrying keep the member in the group.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    assert.deepEqual(await memberIds(admin, first.groupId), member);
    assert.ok(
      first.consumer.status().partitions.some((partition) => partition.retrying?.step === 'redis'),
      JSON.stringify(first.consumer.status()),
    );
    assert.ok((await committedOffsets(first.groupId, topics.retry)).every((offset) => offset === '-1'));
    assert.equal((await rawValues(prefix)).size, 0);

    const stopping = Date.now();
    await first.consumer.stop();
    assert.ok(Date.now() - stopping < 5_000, `stop took ${Date.now() - stopping} ms`);
    const failuresAtStop = outage.failures();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(outage.failures(), failuresAtStop, 'no retry after stop()');
    assert.ok((await committedOffsets(first.groupId, topics.retry)).every((offset) => offset === '-1'));

    const flaky = failingApplier(redisApplier(prefix), 3);
    const second = createCdcConsumer({
      kafka,
      config: kafkaConfig('retry', first.groupId),
      registry,
      appliers: [flaky.applier],
      rows,
      metrics: createMetrics(),
      logger: silentLogger,
      tuning,
    });
    consumers.push(second);
    await second.start();
    await eventually(
      async () =>
        (await Promise.all(ids.map((id) => cachedRow(prefix, 'products', id)))).every((row, index) =>
          isDeepStrictEqual(row, { tag: 'R', row: expectedProduct(ids[index] ?? 0) }),
        ),
      async () => JSON.stringify([...(await rawValues(prefix))]),
    );
    assert.ok(flaky.failures() >= 3);
    await eventually(
      () => committedToEnd(first.groupId, topics.retry),
      async () => JSON.stringify(await committedOffsets(first.groupId, topics.retry)),
    );
    await eventually(
      () => second.status().partitions.every((partition) => partition.retrying === null && partition.lag === 0),
      () => JSON.stringify(second.status()),
    );
  });
});

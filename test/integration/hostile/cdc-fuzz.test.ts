import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import type { GatewayConfig } from '../../../src/config/gateway-config.js';
import { createRandom } from '../../../src/demo/seeded-random.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import { deleteKeysWithPrefix } from '../../support/redis-cluster.js';
import { writeReliabilityFigures } from '../../support/reliability-results.js';
import { recordCase } from '../../faults/support/reliability-figures.js';
import { debeziumMessage, expectedProduct, productImage } from '../sync/cdc-messages.js';
import { KAFKA_BROKERS, MYSQL_URL, SCHEMA_REGISTRY_URL, connectRedis, eventually, header, uniqueId } from '../sync/sync-fixtures.js';
import type { HostileMessage } from './cdc-fuzz-messages.js';
import { CDC_FUZZ_CATEGORIES, hostileMessage } from './cdc-fuzz-messages.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const PER_CATEGORY = Number(process.env.FUZZ_PER_CATEGORY ?? 150);
/** Huge messages are costly to produce and consume: fewer of them. */
const HUGE_COUNT = Number(process.env.FUZZ_HUGE_COUNT ?? 12);
/** One valid change after every this many hostile ones. */
const VALID_EVERY = 4;
const FUZZ_HEADER = 'x-fuzz-id';

const run = uniqueId();
const topics = { source: `it-${run}-fuzz.shop.products`, deadLetter: `it-${run}-fuzz.dead-letter` };

interface Sent {
  readonly fuzzId: string;
  readonly category: string;
  readonly bytes: number;
}

describe(`CDC fuzz (seed ${SEED}, ${PER_CATEGORY} per category, ${HUGE_COUNT} huge)`, { timeout: 900_000 }, () => {
  const keyPrefix = `it:cdcfuzz:${run}:`;
  const groupId = `it-${run}-fuzz`;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let redis: Redis;
  let pool: Pool;
  let consumer: CdcConsumer;
  const metrics = createMetrics();

  before(async () => {
    console.log(`cdc fuzz seed ${SEED} (FUZZ_SEED to replay)`);
    redis = await connectRedis();
    pool = createMysqlPool({ url: MYSQL_URL, poolSize: 2 });
    const config: GatewayConfig['kafka'] = {
      brokers: KAFKA_BROKERS,
      clientId: `it-${run}`,
      groupId,
      topicPattern: `^it-${run}-fuzz\\.shop\\.[a-z_]+$`,
      format: 'auto',
      deadLetterTopic: topics.deadLetter,
      schemaRegistryUrl: SCHEMA_REGISTRY_URL,
      sasl: null,
      tls: { enabled: false, ca: null, rejectUnauthorized: true },
    };
    kafka = createKafka(config, silentLogger);
    admin = kafka.admin();
    await admin.connect();
    // Created as the stack creates its CDC and dead-letter topics: the broker's default limits.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.source, numPartitions: 3 },
        { topic: topics.deadLetter, numPartitions: 1 },
      ],
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const cache = createEntityCache({ redis, keyPrefix });
    consumer = createCdcConsumer({
      kafka,
      config,
      registry: createShopRegistry(),
      appliers: [createRedisApplier({ cache, redis, keyPrefix })],
      rows: createRowSource({ pool, metrics }),
      metrics,
      logger: silentLogger,
    });
    await consumer.start();
    await eventually(
      () => consumer.status().joined,
      () => JSON.stringify(consumer.status()),
    );
  });

  after(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    if (admin !== undefined) {
      await admin.deleteGroups([groupId, `${topics.deadLetter}-reader`]).catch(() => undefined);
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    }
    if (redis !== undefined) {
      await deleteKeysWithPrefix(redis, keyPrefix);
      await redis.quit();
    }
    await pool?.end();
  });

  it('dead-letters every hostile message, applies the valid ones between them, and keeps consuming', async () => {
    const random = createRandom(SEED);
    const baseId = 970_000_000 + random.int(0, 1_000_000) * 10;
    const hostile: Sent[] = [];
    const valid: number[] = [];
    const pending: Message[] = [];
    const flush = async () => {
      if (pending.length > 0) await producer.send({ topic: topics.source, acks: -1, messages: pending.splice(0) });
    };
    const plan = CDC_FUZZ_CATEGORIES.flatMap((category) =>
      Array.from({ length: category === 'huge' ? HUGE_COUNT : PER_CATEGORY }, () => category),
    );
    // Shuffled so every kind of poison lands in batches with every other kind and with valid changes.
    for (let index = plan.length - 1; index > 0; index -= 1) {
      const other = random.int(0, index);
      [plan[index], plan[other]] = [plan[other]!, plan[index]!];
    }
    const started = performance.now();
    for (const [index, category] of plan.entries()) {
      const message: HostileMessage = hostileMessage(random, category, baseId + 1_000_000 + index);
      const fuzzId = `${category}:${index}`;
      hostile.push({ fuzzId, category, bytes: message.value.length });
      const record: Message = { key: message.key, value: message.value, headers: { [FUZZ_HEADER]: fuzzId } };
      // A huge message goes alone: a producer batch must itself fit the topic's max.message.bytes.
      if (category === 'huge') {
        await flush();
        await producer.send({ topic: topics.source, acks: -1, messages: [record] });
      } else pending.push(record);
      if (index % VALID_EVERY === VALID_EVERY - 1) {
        const id = baseId + valid.length;
        valid.push(id);
        pending.push({
          ...debeziumMessage('products', 'c', null, productImage(id, { name: `valid ${id}` }), 10_000 + index),
          headers: { [FUZZ_HEADER]: `valid:${id}` },
        });
      }
      if (pending.length >= 100) await flush();
    }
    await flush();
    const producedMs = Math.round(performance.now() - started);

    // Every message consumed and committed: the consumer got past each one, by dead letter or by applying it.
    const committedToEnd = async (): Promise<boolean> => {
      const ends = await admin.fetchTopicOffsets(topics.source);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.source] });
      return ends.every(
        ({ partition, high, low }) => high === low || committed?.partitions.find((item) => item.partition === partition)?.offset === high,
      );
    };
    let stuck: string | null = null;
    try {
      await eventually(committedToEnd, () => `consumer ${JSON.stringify(consumer.status())}`, 300_000);
    } catch (error) {
      stuck = error instanceof Error ? error.message : String(error);
    }
    // Letters are published before the offsets past them are committed: the topic's end is final now.
    const letterCount = (await admin.fetchTopicOffsets(topics.deadLetter)).reduce(
      (sum, { high, low }) => sum + Number(high) - Number(low),
      0,
    );
    const letters = new Map<string, KafkaMessage>();
    let lettersRead = 0;
    const reader = kafka.consumer({ groupId: `${topics.deadLetter}-reader`, maxBytes: 64 * 1024 * 1024 });
    await reader.connect();
    await reader.subscribe({ topics: [topics.deadLetter], fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        lettersRead += 1;
        letters.set(header(message, FUZZ_HEADER) ?? `unlabelled:${message.offset}`, message);
        return Promise.resolve();
      },
    });
    try {
      await eventually(
        () => lettersRead >= letterCount,
        () => `${lettersRead}/${letterCount} dead letters read`,
        120_000,
      );
    } finally {
      await reader.stop();
      await reader.disconnect().catch(() => undefined);
    }
    const raw = await Promise.all(valid.map((id) => redis.get(`${keyPrefix}products:${id}`)));
    const appliedValid = raw.filter(
      (value, index) =>
        value !== null && isDeepStrictEqual(JSON.parse(value.slice(22)), expectedProduct(valid[index]!, { name: `valid ${valid[index]}` })),
    ).length;
    const drainedMs = Math.round(performance.now() - started);

    const perCategory = Object.fromEntries(
      CDC_FUZZ_CATEGORIES.map((category) => {
        const sent = hostile.filter((item) => item.category === category);
        const lettered = sent.filter((item) => letters.has(item.fuzzId));
        const codes: Record<string, number> = {};
        for (const item of lettered) {
          const code = header(letters.get(item.fuzzId), 'x-dead-letter-code') ?? 'none';
          codes[code] = (codes[code] ?? 0) + 1;
        }
        return [
          category,
          { produced: sent.length, deadLettered: lettered.length, maxBytes: Math.max(...sent.map((item) => item.bytes)), codes },
        ];
      }),
    );
    const missing = hostile.filter((item) => !letters.has(item.fuzzId)).map((item) => item.fuzzId);
    const unexpected = [...letters.keys()].filter((fuzzId) => !hostile.some((item) => item.fuzzId === fuzzId));
    const file = writeReliabilityFigures('hostile-cdc', {
      kind: 'cdc-fuzz',
      seed: SEED,
      hostileMessages: hostile.length,
      validMessages: valid.length,
      deadLetters: lettersRead,
      stuck,
      validApplied: appliedValid,
      producedMs,
      drainedMs,
      consumerJoinedAfter: consumer.status().joined,
      categories: perCategory,
      missing: missing.slice(0, 20),
      unexpected: unexpected.slice(0, 20),
    });
    recordCase(
      {
        id: 'hostile-cdc',
        title: 'CDC fuzz: hostile messages on a real topic, valid changes between them',
        faults: `seeded hostile messages (seed ${SEED}): ${CDC_FUZZ_CATEGORIES.join(', ')}, up to ${Math.max(...hostile.map((item) => item.bytes))} bytes`,
        load: `${hostile.length} hostile and ${valid.length} valid messages through the real consumer`,
        inputs: Object.fromEntries(Object.entries(perCategory).map(([category, figures]) => [category, figures.produced])),
        outcome: { deadLettered: letters.size, validApplied: appliedValid, drainedMs, stuck: stuck ?? 'no' },
        problems: missing.length + unexpected.length + (valid.length - appliedValid) + (stuck === null ? 0 : 1),
        passed: stuck === null && missing.length === 0 && unexpected.length === 0 && appliedValid === valid.length,
      },
      Date.now() - drainedMs,
    );
    console.log(
      `cdc fuzz: ${hostile.length} hostile and ${valid.length} valid messages, ${letters.size} dead letters, ${appliedValid} valid applied in ${drainedMs} ms; figures in ${file}`,
    );
    for (const [category, figures] of Object.entries(perCategory)) console.log(`  ${category.padEnd(16)} ${JSON.stringify(figures)}`);

    assert.equal(stuck, null, 'the consumer got past every message');
    assert.deepEqual(missing, [], 'every hostile message is dead-lettered');
    assert.equal(lettersRead, letters.size, 'no message is dead-lettered twice');
    assert.deepEqual(unexpected, [], 'only hostile messages are dead-lettered, each once');
    assert.equal(appliedValid, valid.length, 'every valid change between them is applied');
    assert.equal(metrics.snapshot().cdc_dead_letters, hostile.length);
    assert.equal(consumer.status().joined, true, 'the consumer is still in its group');

    // Alive, not merely joined: it still applies what comes next.
    const lastId = baseId + valid.length + 10;
    await producer.send({
      topic: topics.source,
      acks: -1,
      messages: [debeziumMessage('products', 'c', null, productImage(lastId), 999_999_999)],
    });
    await eventually(
      async () => (await redis.get(`${keyPrefix}products:${lastId}`)) !== null,
      () => JSON.stringify(consumer.status()),
      60_000,
    );
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { CheckDependencies } from '../../../src/check/consistency-check.js';
import { problemsIn, runConsistencyCheck } from '../../../src/check/consistency-check.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { formatVersion } from '../../../src/rows/row-version.js';
import { waitForGroupCaughtUp } from '../../../src/sync/consumer-lag.js';
import type { Row } from '../../../src/rows/row.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { keyParametersOf, rowIdOf } from '../../../src/schema/entity.js';
import { createRedisApplier } from '../../../src/sync/appliers/redis.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { DEAD_LETTER_HEADERS } from '../../../src/sync/dead-letter.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute } from '../../support/writer.js';
import { waitUntil } from '../pipeline/pipeline-fixture.js';
import type { RunConnector } from './key-shape-tables.js';
import {
  createKeyShapeTables,
  debeziumImage,
  dropKeyShapeTables,
  entitiesOf,
  keyShapeTables,
  sampleKeys,
  startRunConnector,
} from './key-shape-tables.js';

/*
 * Once per converter: Debezium JSON, and Debezium Avro through the schema registry (the consumer
 * then runs with format auto, so the hand-made JSON replays and poison messages still decode).
 */
for (const variant of ['json', 'avro'] as const) {
  describe(`key shapes through the real pipeline: MariaDB → Debezium ${variant} → Kafka → consumer → Redis`, () => {
    const suffix = randomBytes(4).toString('hex');
    const tables = keyShapeTables(suffix);
    const registry = createEntityRegistry(entitiesOf(tables));
    const samples = sampleKeys(tables);
    const deadLetters: { error: string; value: string }[] = [];
    let writer: Pool;
    let gateway: GatewayHarness;
    let admin: Admin;
    let producer: Producer;
    let dlqReader: Consumer;
    let connector: RunConnector;
    let consumer: CdcConsumer;
    let dlqTopic: string;

    const where = (entity: EntityDeclaration, id: string) => {
      const columns = typeof entity.primaryKey === 'string' ? [entity.primaryKey] : entity.primaryKey;
      return { sql: columns.map((column) => `${column} = ?`).join(' AND '), params: keyParametersOf(entity, id) };
    };
    const cached = async (entity: EntityDeclaration, id: string) => (await gateway.services.cache.lookup(entity, [id]))[0];
    const sqlCount = () => gateway.services.metrics.snapshot().sql_queries;

    before(async () => {
      writer = createWriterPool();
      await createKeyShapeTables(writer, tables);
      gateway = await startHarness({ registry, searchIndices: false });
      const kafka = createKafka(gateway.config.kafka, silentLogger);
      admin = kafka.admin();
      await admin.connect();
      const topicPrefix = `itkeys${suffix}`;
      dlqTopic = `${topicPrefix}.dlq`;
      const rowTopics = entitiesOf(tables).map((entity) => `${topicPrefix}.shop.${entity.table}`);
      await admin.createTopics({
        topics: [...rowTopics.map((topic) => ({ topic, numPartitions: 2 })), { topic: dlqTopic, numPartitions: 1 }],
        waitForLeaders: true,
      });
      const connectUrl = process.env['KAFKA_CONNECT_URL'];
      assert.ok(connectUrl, 'KAFKA_CONNECT_URL is set by npm test for the native stack');
      connector = await startRunConnector({
        connectUrl,
        mysqlUrl: gateway.config.mysql.url,
        kafkaBootstrap: gateway.config.kafka.brokers.join(','),
        suffix,
        tables: entitiesOf(tables).map((entity) => entity.table),
        ...(variant === 'avro' ? { avroRegistryApiUrl: `${new URL(gateway.config.kafka.schemaRegistryUrl).origin}/apis/registry/v2` } : {}),
      });
      assert.equal(connector.topicPrefix, topicPrefix);
      producer = kafka.producer();
      await producer.connect();
      dlqReader = kafka.consumer({ groupId: `it-keys-dlq-${suffix}` });
      await dlqReader.connect();
      await dlqReader.subscribe({ topic: dlqTopic, fromBeginning: true });
      await dlqReader.run({
        eachMessage: async ({ message }) => {
          const error = message.headers?.[DEAD_LETTER_HEADERS.error];
          deadLetters.push({ error: String(error ?? ''), value: message.value?.toString('utf8') ?? '' });
          await Promise.resolve();
        },
      });
      const { cache, redis, rows, metrics } = gateway.services;
      consumer = createCdcConsumer({
        kafka,
        config: {
          ...gateway.config.kafka,
          groupId: `it-keys-${suffix}`,
          topicPattern: `^${topicPrefix}\\.shop\\.`,
          deadLetterTopic: dlqTopic,
          format: variant === 'json' ? 'debezium' : 'auto',
        },
        registry,
        appliers: [createRedisApplier({ cache, redis, keyPrefix: gateway.config.redis.keyPrefix })],
        rows,
        metrics,
        logger: silentLogger,
      });
      await consumer.start();
      await waitUntil(() => Promise.resolve(consumer.status().joined), 60_000, 'the consumer joined its group');
    });

    after(async () => {
      await consumer?.stop();
      await dlqReader?.disconnect();
      await producer?.disconnect();
      await connector?.remove();
      if (variant === 'avro' && connector !== undefined && gateway !== undefined) {
        const subjects = `${new URL(gateway.config.kafka.schemaRegistryUrl).href}/subjects`;
        for (const subject of connector.rowTopics.flatMap((topic) => [`${topic}-key`, `${topic}-value`])) {
          await fetch(`${subjects}/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(() => undefined);
        }
      }
      if (connector !== undefined) {
        await admin.deleteTopics({ topics: [...connector.rowTopics, connector.schemaHistoryTopic, dlqTopic] }).catch(() => undefined);
      }
      await admin?.disconnect();
      await gateway?.close();
      await dropKeyShapeTables(writer, tables);
      await writer.end();
    });

    it('follows inserts, updates and deletes of every key shape into the cache under its row id', async () => {
      for (const { entity, key, id } of samples) {
        const columns = Object.keys(key);
        const keyParams = keyParametersOf(entity, id);
        await execute(
          writer,
          `INSERT INTO ${entity.table} (${columns.join(', ')}, label) VALUES (${columns.map(() => '?').join(', ')}, 'v1')`,
          [...keyParams],
        );
      }
      for (const { entity, key, id } of samples) {
        await waitUntil(async () => (await cached(entity, id))?.state === 'hit', 60_000, `${entity.table} ${id} inserted into the cache`);
        const lookup = await cached(entity, id);
        assert.deepEqual(lookup, { state: 'hit', row: { ...key, label: 'v1', note: null } });
        assert.equal(rowIdOf(lookup?.state === 'hit' ? lookup.row : {}, entity), id);
      }
      if (variant === 'avro') {
        // The changes really came as Avro: the connector registered the tables' key and value schemas.
        const subjects = await (await fetch(`${new URL(gateway.config.kafka.schemaRegistryUrl).href}/subjects`)).json();
        for (const topic of connector.rowTopics) assert.ok((subjects as string[]).includes(`${topic}-key`), `${topic}-key registered`);
      }
      for (const { entity, id } of samples) {
        const { sql, params } = where(entity, id);
        await execute(writer, `UPDATE ${entity.table} SET label = 'v2', note = 'n' WHERE ${sql}`, params);
      }
      for (const { entity, key, id } of samples) {
        await waitUntil(
          async () => {
            const lookup = await cached(entity, id);
            return lookup?.state === 'hit' && lookup.row['label'] === 'v2';
          },
          30_000,
          `${entity.table} ${id} updated in the cache`,
        );
        const before = sqlCount();
        const [row] = await gateway.services.reader.loadMany(entity, [id]);
        assert.deepEqual(row, { ...key, label: 'v2', note: 'n' });
        assert.equal(sqlCount(), before, 'answered from Redis');
      }
    });

    it('reads every key shape from MySQL on a miss (row constructors, BINARY(16) as bytes), then from Redis', async () => {
      await gateway.clearCache();
      const ids = samples.map(({ id }) => id);
      for (const { entity, key, id } of samples) {
        const before = sqlCount();
        const [row] = await gateway.services.reader.loadMany(entity, [id]);
        assert.deepEqual(row, { ...key, label: 'v2', note: 'n' });
        assert.ok(sqlCount() > before, `${entity.table} ${id} read from MySQL`);
        const again = sqlCount();
        assert.deepEqual((await gateway.services.reader.loadMany(entity, [id]))[0], row);
        assert.equal(sqlCount(), again, `${entity.table} ${id} then from Redis`);
      }
      assert.equal(new Set(ids).size, ids.length);
    });

    it('keeps the newer row when an older event is replayed, and a deleted row stays deleted', async () => {
      const debeziumKey = (sample: (typeof samples)[number]) => JSON.stringify(debeziumImage(sample.entity, sample.key));
      const older = (sample: (typeof samples)[number], after: Row | null, op: 'c' | 'u') => ({
        key: debeziumKey(sample),
        value: JSON.stringify({
          before: null,
          after,
          // The binlog's very first position: older than every real event.
          source: {
            db: 'shop',
            table: sample.entity.table,
            file: 'mariadb-bin.000001',
            pos: 4,
            row: 0,
            ts_ms: Date.now(),
            snapshot: 'false',
          },
          op,
          ts_ms: Date.now(),
        }),
      });
      const [kept, deleted] = [samples[2], samples[4]];
      const { sql, params } = where(deleted.entity, deleted.id);
      await execute(writer, `DELETE FROM ${deleted.entity.table} WHERE ${sql}`, params);
      await waitUntil(
        async () => (await cached(deleted.entity, deleted.id))?.state === 'known-missing',
        30_000,
        'the delete reached the cache',
      );

      for (const sample of [kept, deleted]) {
        const after = { ...debeziumImage(sample.entity, sample.key), label: 'stale replay', note: null };
        await producer.send({ topic: `${connector.topicPrefix}.shop.${sample.entity.table}`, messages: [older(sample, after, 'u')] });
      }
      // A newer change behind the replays shows the consumer got past them.
      const { sql: keptWhere, params: keptParams } = where(kept.entity, kept.id);
      await execute(writer, `UPDATE ${kept.entity.table} SET note = 'after the replay' WHERE ${keptWhere}`, keptParams);
      await waitUntil(
        async () => {
          const lookup = await cached(kept.entity, kept.id);
          return lookup?.state === 'hit' && lookup.row['note'] === 'after the replay';
        },
        30_000,
        'the change after the replays reached the cache',
      );
      const lookup = await cached(kept.entity, kept.id);
      assert.equal(lookup?.state === 'hit' ? lookup.row['label'] : null, 'v2');
      assert.deepEqual(await cached(deleted.entity, deleted.id), { state: 'known-missing' });
      assert.deepEqual(await gateway.services.reader.loadMany(deleted.entity, [deleted.id]), [null]);
    });

    it('finds Redis consistent with MySQL for every key shape (npm run check), and a resurrected entry under a composite key', async () => {
      const { rows, cache, redis, search, config } = gateway.services;
      const deps: CheckDependencies = {
        registry,
        rows,
        cache,
        redis,
        search,
        keyPrefix: config.redis.keyPrefix,
        indexPrefix: config.elasticsearch.indexPrefix,
        waitForConsumer: () => waitForGroupCaughtUp(admin, `it-keys-${suffix}`, new RegExp(`^${connector.topicPrefix}\\.shop\\.`), 120_000),
      };
      // One row per page: the unsigned table pages past a key beyond 2^63, the composite one by row constructor.
      const options = { tables: [], batchSize: 1, maxRowsPerSecond: 100_000, repair: false };
      const clean = await runConsistencyCheck(deps, options);
      assert.deepEqual(
        clean.map((report) => [report.table, report.rows, problemsIn(report)]),
        entitiesOf(tables).map((entity) => [entity.table, entity === tables.unsigned ? 2 : entity === tables.composite ? 0 : 1, 0]),
      );
      const deleted = samples[4];
      const resurrected = { ...deleted.key, label: 'back from the dead', note: null };
      await redis.set(cache.keyOf(deleted.entity, deleted.id), `R|${formatVersion(1n << 61n)}|${JSON.stringify(resurrected)}`);
      const [report] = await runConsistencyCheck(deps, { ...options, tables: [deleted.entity.table], repair: true });
      assert.equal(report?.redis.resurrected, 1, JSON.stringify(report));
      assert.deepEqual(await gateway.services.reader.loadMany(deleted.entity, [deleted.id]), [null]);
    });

    it('dead-letters a NULL in a NOT NULL column and keeps consuming', async () => {
      const sample = samples[0];
      const topic = `${connector.topicPrefix}.shop.${sample.entity.table}`;
      await producer.send({
        topic,
        messages: [
          {
            key: JSON.stringify(sample.key),
            value: JSON.stringify({
              before: null,
              after: { ...sample.key, label: null, note: 'null label' },
              source: {
                db: 'shop',
                table: sample.entity.table,
                file: 'mariadb-bin.099999',
                pos: 4,
                row: 0,
                ts_ms: Date.now(),
                snapshot: 'false',
              },
              op: 'u',
              ts_ms: Date.now(),
            }),
          },
        ],
      });
      await waitUntil(() => Promise.resolve(deadLetters.some((letter) => letter.value.includes('null label'))), 60_000, 'the dead letter');
      const letter = deadLetters.find((candidate) => candidate.value.includes('null label'));
      assert.match(letter?.error ?? '', /NULL in NOT NULL column "label"/);
      const lookup = await cached(sample.entity, sample.id);
      assert.equal(lookup?.state === 'hit' ? lookup.row['note'] : null, 'n', 'the bad row was not applied');

      const { sql, params } = where(sample.entity, sample.id);
      await execute(writer, `UPDATE ${sample.entity.table} SET label = 'v3' WHERE ${sql}`, params);
      // The entry was filled by a read: the change lands as an invalidation at its version (the fill
      // may be newer than the consumer), so the next read loads v3 from MySQL.
      await waitUntil(
        async () => {
          const current = await cached(sample.entity, sample.id);
          return current?.state !== 'hit' || current.row['label'] === 'v3';
        },
        30_000,
        'the next change after the dead letter',
      );
      assert.deepEqual(await gateway.services.reader.loadMany(sample.entity, [sample.id]), [{ ...sample.key, label: 'v3', note: 'n' }]);
    });
  });
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { searchAlias } from '../../../src/index/index-manager.js';
import { SYNC_FIELD } from '../../../src/index/search-documents.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { avroRowTopicOf, rowTopicOf } from '../../../src/stack/cdc-topology.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { startService, stopService } from '../../faults/support/fault-stack.js';
import { compareCacheWithDatabase } from '../../support/cache-vs-database.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness, testConfig } from '../../support/gateway-harness.js';
import { compareSearchWithDatabase } from '../../support/search-vs-database.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';

/** A gateway consuming one connector's products topic, auto-detecting the format, from the topic's end. */
interface Pipeline {
  readonly harness: GatewayHarness;
  readonly consumer: CdcConsumer;
  readonly group: string;
}

const escaped = (topic: string) => `^${topic.replace(/\./g, '\\.')}$`;

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: () => Promise<string> | string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${await what()}`);
    await sleep(200);
  }
}

describe('the real Debezium Avro connector (Apicurio converter and registry) against the JSON one', () => {
  const suffix = randomBytes(4).toString('hex');
  const touched: string[] = [];
  let writer: Pool;
  let admin: Admin;
  let json: Pipeline;
  let avro: Pipeline;
  const extra: Pipeline[] = [];

  async function startPipeline(name: string, topic: string): Promise<Pipeline> {
    const group = `it-avro-${suffix}-${name}`;
    const harness = await startHarness({
      env: { KAFKA_GROUP_ID: group, CDC_TOPIC_PATTERN: escaped(topic), CDC_FORMAT: 'auto', CDC_DEAD_LETTER_TOPIC: `it-avro-${suffix}.dlq` },
    });
    await startGroupAtTopicEnds(admin, group, new RegExp(escaped(topic)));
    const consumer = createCdcRuntime(harness.services);
    await consumer.start();
    return { harness, consumer, group };
  }

  const deadLetters = (pipeline: Pipeline) => pipeline.harness.services.metrics.snapshot().cdc_dead_letters;

  async function equalsMysql(pipeline: Pipeline, ids: readonly string[]): Promise<boolean> {
    const { cache, rows, search, registry } = pipeline.harness.services;
    const cached = await compareCacheWithDatabase(cache, rows, productEntity, ids);
    const indexed = await compareSearchWithDatabase(
      search,
      pipeline.harness.config.elasticsearch.indexPrefix,
      rows,
      registry,
      productEntity,
      ids,
    );
    return cached.equal === ids.length && indexed.equal === ids.length;
  }

  /** Redis entries as stored (version included) and documents without the time they were written. */
  async function storeState(pipeline: Pipeline, ids: readonly string[]) {
    const { redis, cache, search, config } = pipeline.harness.services;
    const index = searchAlias(config.elasticsearch.indexPrefix, productEntity.search);
    await search.indices.refresh({ index });
    const { docs } = await search.mget<Record<string, unknown>>({ index, ids: [...ids] });
    const documents = docs.map((doc) => {
      if (!('found' in doc) || !doc.found || doc._source === undefined) return null;
      const { [SYNC_FIELD]: sync, ...document } = doc._source;
      const { written_at: _writtenAt, ...bookkeeping } = (sync ?? {}) as Record<string, unknown>;
      return { version: doc._version, document, sync: bookkeeping };
    });
    return { cache: await redis.mget(ids.map((id) => cache.keyOf(productEntity, id))), documents };
  }

  before(async () => {
    writer = createWriterPool();
    admin = createKafka(testConfig().kafka, silentLogger).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `it-avro-${suffix}.dlq`, numPartitions: 1 }], waitForLeaders: true });
    json = await startPipeline('json', rowTopicOf('products'));
    avro = await startPipeline('avro', avroRowTopicOf('products'));
  });
  after(async () => {
    for (const pipeline of [json, avro, ...extra]) {
      await pipeline?.consumer.stop();
      await pipeline?.harness.close();
    }
    await admin.deleteTopics({ topics: [`it-avro-${suffix}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    if (touched.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${touched.map(() => '?').join(',')})`, touched);
    await writer.end();
  });

  it('leaves Redis entries and Elasticsearch documents identical to the JSON connector for the same MySQL history', async () => {
    // One id beyond 2^53 (an unsigned BIGINT a JS number cannot hold), one ordinary.
    const ids = ['9007199254740993', String(uniqueId())].map((id) => String(BigInt(id) + BigInt(randomBytes(2).readUInt16BE(0)) * 2n));
    touched.push(...ids);
    for (const id of ids) await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
    // The id goes in as text (the overrides win over the numeric id argument, which cannot hold it).
    await insertProduct(writer, 0, { id: ids[0], sku: `IT-${ids[0]}`, price: '99999999.99', description: '长 description' });
    await insertProduct(writer, 0, { id: ids[1], sku: `IT-${ids[1]}`, description: null, attributes: null });
    await execute(writer, 'UPDATE products SET price = ?, name = ?, stock = stock + 1 WHERE id IN (?, ?)', [
      '0.01',
      '更新 updated',
      ...ids,
    ]);
    await execute(writer, 'DELETE FROM products WHERE id = ?', [ids[1]]);

    for (const pipeline of [json, avro])
      await waitUntil(
        () => equalsMysql(pipeline, ids),
        60_000,
        () => `${pipeline.group} equals MySQL`,
      );
    const [fromJson, fromAvro] = await Promise.all([storeState(json, ids), storeState(avro, ids)]);
    assert.ok(fromJson.cache[0]?.includes('更新 updated') === true, 'the updated row is cached');
    assert.equal(fromJson.documents[1]?.sync['deleted'], true, 'the deleted row is a tombstone document');
    assert.deepEqual(fromAvro, fromJson, 'the same entries, versions included, and the same documents');
    assert.equal(deadLetters(avro), 0);
  });

  it('loses and dead-letters nothing when a column is added while Avro changes flow', { timeout: 180_000 }, async () => {
    const column = `it_avro_${suffix}`;
    const ids = Array.from({ length: 12 }, () => String(uniqueId()));
    touched.push(...ids);
    for (const id of ids) await insertProduct(writer, Number(id));
    const versionsBefore = await registryVersions(avro, 'shopavro.shop.products-value');
    try {
      for (let round = 0; round < 30; round += 1) {
        const id = ids[round % ids.length]!;
        if (round < 10) await execute(writer, 'UPDATE products SET stock = stock + 1 WHERE id = ?', [id]);
        if (round === 10) await execute(writer, `ALTER TABLE products ADD COLUMN ${column} VARCHAR(40) NULL`);
        if (round >= 10) await execute(writer, `UPDATE products SET stock = stock + 1, ${column} = ? WHERE id = ?`, [`note ${round}`, id]);
      }
      await waitUntil(
        () => equalsMysql(avro, ids),
        90_000,
        () => `${avro.group} equals MySQL after the ALTER`,
      );
    } finally {
      await execute(writer, `ALTER TABLE products DROP COLUMN IF EXISTS ${column}`);
    }
    assert.ok((await registryVersions(avro, 'shopavro.shop.products-value')) > versionsBefore, 'the connector registered the new schema');
    assert.equal(deadLetters(avro), 0, 'nothing dead-lettered');
  });

  it('holds the partition while the registry is down for 30 s, then catches up: 0 lost, 0 dead letters', { timeout: 300_000 }, async () => {
    const ids = Array.from({ length: 8 }, () => String(uniqueId()));
    touched.push(...ids);
    for (const id of ids) await insertProduct(writer, Number(id));
    // The connector has written these (and registered their schema) before the registry goes away.
    await waitUntil(
      () => equalsMysql(avro, ids),
      60_000,
      () => `${avro.group} equals MySQL before the outage`,
    );
    await stopService('registry');
    let restarted = false;
    try {
      // A consumer that has fetched no schema yet: every message it is given needs the registry.
      const fresh = await startPipeline('fresh', avroRowTopicOf('products'));
      extra.push(fresh);
      const began = Date.now();
      for (let round = 0; Date.now() - began < 30_000; round += 1) {
        await execute(writer, 'UPDATE products SET stock = stock + 1, price = ? WHERE id = ?', [`${round}.25`, ids[round % ids.length]]);
        await sleep(250);
      }
      const waiting = fresh.consumer.status().partitions.filter((partition) => partition.retrying?.step === 'schema-registry');
      assert.ok(waiting.length > 0, `a partition waits for the registry: ${JSON.stringify(fresh.consumer.status().partitions)}`);
      assert.equal(deadLetters(fresh), 0, 'nothing dead-lettered while the registry is down');
      await startService('registry');
      restarted = true;
      await waitUntil(
        () => equalsMysql(fresh, ids),
        120_000,
        () => `${fresh.group} equals MySQL after the registry returned`,
      );
      assert.equal(deadLetters(fresh), 0, 'nothing dead-lettered after it returned');
    } finally {
      if (!restarted) await startService('registry');
    }
  });
});

async function registryVersions(pipeline: Pipeline, subject: string): Promise<number> {
  const response = await fetch(`${pipeline.harness.config.kafka.schemaRegistryUrl}/subjects/${subject}/versions`);
  assert.equal(response.status, 200, `the registry lists the versions of ${subject}`);
  return ((await response.json()) as number[]).length;
}

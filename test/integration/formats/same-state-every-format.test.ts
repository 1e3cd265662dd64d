import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { silentLogger } from '../../../src/observability/logger.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import { SYNC_FIELD } from '../../../src/index/search-documents.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { uniqueId } from '../../support/writer.js';
import type { EncodedBytes, EncodedMessage } from './product-changes.js';
import { encodeCanal, encodeDebezium, encodeMaxwell, productHistory } from './product-changes.js';
import { encodeDebeziumAvro, productKeySchema, productValueSchema, registerSchema } from './product-changes-avro.js';

interface FormatRun {
  readonly name: string;
  /** Avro's are encoded once the registry has given its schemas their ids. */
  messages: (EncodedMessage | EncodedBytes)[];
  readonly topic: string;
  readonly group: string;
  harness?: GatewayHarness;
  consumer?: CdcConsumer;
}

/** The cached row without its version, and the search document without sync bookkeeping. */
async function storeState(run: FormatRun, ids: readonly string[]) {
  const harness = run.harness!;
  const { redis, cache, search, config } = harness.services;
  const cached = await redis.mget(ids.map((id) => cache.keyOf(productEntity, id)));
  const index = searchAlias(config.elasticsearch.indexPrefix, productEntity.search);
  await search.indices.refresh({ index });
  const documents = await Promise.all(
    ids.map(async (id) => {
      const found = await search.get<Record<string, unknown>>({ index, id }, { ignore: [404] });
      if (!found.found || found._source === undefined) return null;
      const { [SYNC_FIELD]: sync, ...document } = found._source;
      return { document, deleted: (sync as { deleted?: boolean } | undefined)?.deleted === true };
    }),
  );
  return { cache: cached.map((entry) => (entry === null ? null : { tag: entry[0], row: entry.slice(22) })), documents };
}

describe('the same changes in every CDC format, through a real Kafka topic', () => {
  const suffix = randomBytes(4).toString('hex');
  const [idA, idB] = [uniqueId(), uniqueId()];
  const ids = [String(idA), String(idB)];
  const history = productHistory(idA, idB);
  const runs: FormatRun[] = [
    { name: 'debezium', messages: encodeDebezium(history, false) },
    { name: 'debezium-schemas', messages: encodeDebezium(history, true) },
    { name: 'canal', messages: encodeCanal(history, false) },
    { name: 'ticdc', messages: encodeCanal(history, true) },
    { name: 'maxwell', messages: encodeMaxwell(history) },
    { name: 'debezium-avro', messages: [] },
  ].map((run) => ({ ...run, topic: `it-${suffix}-${run.name}.shop.products`, group: `it-${suffix}-${run.name}` }));
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    const first = await startHarness();
    runs[0]!.harness = first;
    // Avro through the real registry: its schemas registered under this run's subjects, the
    // consumer fetching them by the ids in the messages (SCHEMA_REGISTRY_URL, Confluent API).
    const avroRun = runs.find((run) => run.name === 'debezium-avro')!;
    const registryUrl = first.config.kafka.schemaRegistryUrl;
    const keyId = await registerSchema(registryUrl, `${avroRun.topic}-key`, productKeySchema);
    const valueId = await registerSchema(registryUrl, `${avroRun.topic}-value`, productValueSchema);
    avroRun.messages = encodeDebeziumAvro(history, keyId, valueId);
    for (const run of runs.slice(1)) run.harness = await startHarness();
    const kafka = createKafka(first.config.kafka, silentLogger);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: runs.map((run) => ({ topic: run.topic, numPartitions: 1 })), waitForLeaders: true });
    producer = kafka.producer();
    await producer.connect();
    for (const run of runs) {
      const harness = run.harness!;
      // Auto-detection on purpose: each consumer must recognise its format from the messages alone.
      const services = {
        ...harness.services,
        config: {
          ...harness.config,
          kafka: {
            ...harness.config.kafka,
            groupId: run.group,
            topicPattern: `^${run.topic.replace(/\./g, '\\.')}$`,
            format: 'auto' as const,
            deadLetterTopic: `${run.topic}.dlq`,
          },
        },
      };
      run.consumer = createCdcRuntime(services);
      await run.consumer.start();
      await producer.send({ topic: run.topic, messages: run.messages.map((message) => ({ key: message.key, value: message.value })) });
    }
  });
  after(async () => {
    for (const run of runs) await run.consumer?.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: runs.map((run) => run.topic) }).catch(() => undefined);
    await admin.disconnect();
    for (const run of runs) await run.harness?.close();
  });

  it('leaves Redis and Elasticsearch in the same state whichever format carried the changes', async () => {
    for (const run of runs) await waitForGroupCaughtUp(admin, run.group, new RegExp(`^${run.topic.replace(/\./g, '\\.')}$`), 60_000);
    const states = await Promise.all(runs.map((run) => storeState(run, ids)));
    const reference = states[0]!;
    // Row A updated, row B deleted.
    assert.equal(reference.cache[0]?.tag, 'R');
    assert.equal(reference.cache[1]?.tag, 'D');
    const rowA = JSON.parse(reference.cache[0].row) as Record<string, unknown>;
    assert.deepEqual(rowA, {
      id: idA,
      sku: `EQ-${idA}`,
      name: '保温杯 XL Thermos',
      description: null,
      category_id: 1,
      brand: 'Tiger 虎牌',
      price: '139.00',
      stock: 10,
      status: 'active',
      is_featured: true,
      tags: ['新品', 'gift'],
      attributes: { color: '黑', ml: 500 },
      created_at: '2025-03-01T10:15:30.123Z',
      updated_at: '2025-03-02T08:00:05.456Z',
    });
    assert.equal(reference.documents[0]?.deleted, false);
    assert.equal(reference.documents[0]?.document.name, '保温杯 XL Thermos');
    assert.equal(reference.documents[1]?.deleted, true, 'the deleted row is a tombstone document');
    runs.forEach((run, index) => {
      assert.deepEqual(states[index], reference, `${run.name} ends like debezium`);
    });
  });
});

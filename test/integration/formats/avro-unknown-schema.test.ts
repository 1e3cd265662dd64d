import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { silentLogger } from '../../../src/observability/logger.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { uniqueId } from '../../support/writer.js';
import { eventually, header, readDeadLetters } from '../sync/sync-fixtures.js';
import { productHistory } from './product-changes.js';
import { encodeDebeziumAvro, productKeySchema, productValueSchema, registerSchema } from './product-changes-avro.js';

describe('an Avro message whose schema id the real registry does not have', () => {
  const suffix = randomBytes(4).toString('hex');
  const topic = `it-avro-${suffix}.shop.products`;
  const deadLetterTopic = `${topic}.dlq`;
  const groups: string[] = [];
  let harness: GatewayHarness;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: CdcConsumer;

  before(async () => {
    harness = await startHarness({
      env: {
        KAFKA_GROUP_ID: `it-avro-${suffix}`,
        CDC_TOPIC_PATTERN: `^${topic.replace(/\./g, '\\.')}$`,
        CDC_FORMAT: 'debezium-avro',
        CDC_DEAD_LETTER_TOPIC: deadLetterTopic,
      },
    });
    kafka = createKafka(harness.config.kafka, silentLogger);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1 },
        { topic: deadLetterTopic, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    producer = kafka.producer();
    await producer.connect();
    consumer = createCdcRuntime(harness.services);
    await consumer.start();
  });
  after(async () => {
    await consumer.stop();
    await producer.disconnect();
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
    await harness.close();
  });

  it('is dead-lettered with the reason while the messages after it are applied', async () => {
    const registryUrl = harness.config.kafka.schemaRegistryUrl;
    const [keyId, valueId] = [
      await registerSchema(registryUrl, `${topic}-key`, productKeySchema),
      await registerSchema(registryUrl, `${topic}-value`, productValueSchema),
    ];
    const [idA, idB] = [uniqueId(), uniqueId()];
    const [created] = encodeDebeziumAvro(productHistory(idA, idB), keyId, valueId);
    assert.ok(created?.value);
    // The same bytes with a schema id no registry has handed out.
    const unknownId = 2_000_000_000;
    const orphan = Buffer.from(created.value);
    orphan.writeUInt32BE(unknownId, 1);
    await producer.send({
      topic,
      messages: [
        { key: created.key, value: orphan },
        { key: created.key, value: created.value },
      ],
    });

    const [letter] = await readDeadLetters(kafka, deadLetterTopic, 1, groups);
    assert.match(header(letter, 'x-dead-letter-error') ?? '', new RegExp(`schema id ${unknownId} does not exist in the schema registry`));
    assert.equal(header(letter, 'x-original-offset'), '0');
    const { cache } = harness.services;
    await eventually(
      async () => (await cache.lookup(productEntity, [String(idA)]))[0]?.state === 'hit',
      () => `product ${idA} from the next message is cached`,
    );
    assert.equal(harness.services.metrics.snapshot().cdc_dead_letters, 1);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { rowTopicOf } from '../../../src/stack/cdc-topology.js';
import { testConfig } from '../../support/gateway-harness.js';
import { createWriterPool, execute, uniqueId } from '../../support/writer.js';

interface SeenEvent {
  readonly op: string | null;
  readonly after: Record<string, unknown> | null;
  readonly offset: string;
}

describe('the native stack end to end', () => {
  const config = testConfig();
  let writer: Pool;
  let consumer: Consumer;
  const id = uniqueId() % 2_000_000_000;
  const seen: SeenEvent[] = [];

  before(async () => {
    writer = createWriterPool();
    const kafka = new Kafka({ clientId: 'it-debezium', brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `it-debezium-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic: rowTopicOf('categories'), fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key === null ? null : (JSON.parse(message.key.toString()) as { id?: number });
        if (key?.id !== id) return Promise.resolve();
        const value =
          message.value === null ? null : (JSON.parse(message.value.toString()) as { op: string; after: Record<string, unknown> | null });
        seen.push({ op: value?.op ?? null, after: value?.after ?? null, offset: message.offset });
        return Promise.resolve();
      },
    });
  });
  after(async () => {
    await consumer.disconnect();
    await execute(writer, 'DELETE FROM categories WHERE id = ?', [id]);
    await writer.end();
  });

  it('turns an insert, an update and a delete in MariaDB into Debezium c, u, d events and a tombstone on the table topic', async () => {
    await execute(writer, 'INSERT INTO categories (id, parent_id, name, slug) VALUES (?, NULL, ?, ?)', [id, '家居 Home', `it-${id}`]);
    await execute(writer, 'UPDATE categories SET name = ? WHERE id = ?', ['家居 Home & Living', id]);
    await execute(writer, 'DELETE FROM categories WHERE id = ?', [id]);
    const deadline = Date.now() + 60_000;
    while (seen.length < 4 && Date.now() < deadline) await sleep(100);
    assert.deepEqual(
      seen.map((event) => event.op),
      ['c', 'u', 'd', null],
      JSON.stringify(seen),
    );
    assert.equal(seen[0]?.after?.name, '家居 Home');
    assert.equal(seen[1]?.after?.name, '家居 Home & Living');
    assert.equal(seen[2]?.after, null);
  });

  it('has Redis and Elasticsearch answering', async () => {
    const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      assert.equal(await redis.ping(), 'PONG');
    } finally {
      redis.disconnect();
    }
    const health = (await (await fetch(`${config.elasticsearch.url}/_cluster/health`)).json()) as {
      status: string;
      number_of_nodes: number;
    };
    assert.ok(['green', 'yellow'].includes(health.status), health.status);
    assert.equal(health.number_of_nodes, 1);
  });
});

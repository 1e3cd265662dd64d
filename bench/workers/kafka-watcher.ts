import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import { emitToParent, runChild, serveParent } from '../child-channel.js';
import { startGroupAtEnd } from '../kafka-groups.js';

/**
 * F1's view of Kafka, in a process of its own so the probes' HTTP polling cannot delay it: reads a
 * CDC topic from its current end (KAFKA_GROUP_ID) and reports when each after-image of a watched
 * row arrives, as `{ id, stock, arrivedAtMs, appendedAtMs }` events (epoch ms, comparable across
 * processes on this machine).
 *   node kafka-watcher.js <topic> <first id> <last id>
 */
export interface KafkaArrival {
  readonly id: number;
  readonly stock: number;
  readonly arrivedAtMs: number;
  /** The record's timestamp (Debezium's producer stamps it when it hands the change to Kafka). */
  readonly appendedAtMs: number;
}

type Image = { id?: number; stock?: number } | null;

async function main(): Promise<void> {
  const [topic, firstArg, lastArg] = process.argv.slice(2);
  if (topic === undefined || firstArg === undefined || lastArg === undefined)
    throw new Error('usage: kafka-watcher.js <topic> <first id> <last id>');
  const [first, last] = [Number(firstArg), Number(lastArg)];
  const config = loadGatewayConfig(process.env);
  const kafka = createKafka(config.kafka, silentLogger);
  const admin = kafka.admin();
  await admin.connect();
  await startGroupAtEnd(kafka, admin, config.kafka.groupId, new RegExp(`^${topic.replaceAll('.', '\\.')}$`));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: config.kafka.groupId, allowAutoTopicCreation: false });
  // Ready only once it is a member, so the writer does not start before arrivals can be stamped.
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      const arrivedAtMs = performance.timeOrigin + performance.now();
      if (message.value === null) return Promise.resolve();
      const value = JSON.parse(message.value.toString('utf8')) as { after?: Image; payload?: { after?: Image } };
      const after = value.after ?? value.payload?.after ?? null;
      if (after?.id !== undefined && after.stock !== undefined && after.id >= first && after.id <= last) {
        emitToParent({ id: after.id, stock: after.stock, arrivedAtMs, appendedAtMs: Number(message.timestamp) } satisfies KafkaArrival);
      }
      return Promise.resolve();
    },
  });
  await joined;
  serveParent({}, {}, () => consumer.disconnect());
}

runChild(main);

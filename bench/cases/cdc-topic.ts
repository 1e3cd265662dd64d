import type { Admin } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { productChangeMessages } from './cdc-messages.js';

export interface TopicFill {
  readonly topic: string;
  readonly messages: number;
  /** False when an earlier run's complete topic was reused. */
  readonly produced: boolean;
  readonly produceSeconds: number;
}

async function messageCount(admin: Admin, topic: string): Promise<number | null> {
  if (!(await admin.listTopics()).includes(topic)) return null;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}

/**
 * C1's input: a private topic (3 partitions, keyed by primary key like Debezium's) pre-filled with
 * `count` product changes. A complete topic from an earlier run is reused; anything else is
 * recreated. The topic matches no consumer's pattern but the bench's own.
 */
/** Encodes changes `from` … `to` of the history (JSON by default, Avro for the Avro input). */
export type ChangeEncoder = (
  size: number,
  count: number,
  from: number,
  to: number,
  nowMs: number,
) => { key: string | Buffer; value: string | Buffer }[];

export async function ensureCdcTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  size: number,
  count: number,
  log: (line: string) => void,
  encode: ChangeEncoder = productChangeMessages,
): Promise<TopicFill> {
  if ((await messageCount(admin, topic)) === count) {
    log(`topic ${topic} already holds ${count} changes: reused`);
    return { topic, messages: count, produced: false, produceSeconds: 0 };
  }
  if ((await admin.listTopics()).includes(topic)) {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  log(`producing ${count} Debezium changes into ${topic}`);
  const began = performance.now();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    // ~1 KB a message: 1000 a send keeps each partition's record batch under the broker's 1 MB limit.
    const batch = 1_000;
    const inFlight = 8;
    const now = Date.now();
    for (let from = 0; from < count; from += batch * inFlight) {
      const sends = Array.from({ length: inFlight }, (_, slot) => {
        const start = from + slot * batch;
        if (start >= count) return Promise.resolve();
        return producer.send({ topic, messages: encode(size, count, start, start + batch, now), acks: 1 }).then(() => undefined);
      });
      await Promise.all(sends);
    }
  } finally {
    await producer.disconnect();
  }
  const produced = await messageCount(admin, topic);
  if (produced !== count) throw new Error(`topic ${topic} holds ${String(produced)} messages after producing ${count}`);
  const produceSeconds = (performance.now() - began) / 1000;
  log(`  produced in ${produceSeconds.toFixed(1)} s`);
  return { topic, messages: count, produced: true, produceSeconds };
}

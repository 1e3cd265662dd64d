import { Partitioners } from 'kafkajs';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { CdcConsumerTuning } from './consumer-tuning.js';

/** The consumer's Kafka clients: its group member, and the producer of its dead letters. */
export function consumerClients(kafka: Kafka, groupId: string, tuning: CdcConsumerTuning): { consumer: Consumer; producer: Producer } {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: tuning.sessionTimeoutMs,
    heartbeatInterval: tuning.heartbeatIntervalMs,
    maxBytesPerPartition: tuning.maxBytesPerPartition,
    maxBytes: Math.max(tuning.maxBytesPerPartition * tuning.partitionsConsumedConcurrently, 10 * 1024 * 1024),
    allowAutoTopicCreation: false,
  });
  // Few retries per send: the consumer's own loop retries a failed send while heartbeating.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  return { consumer, producer };
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { silentLogger } from '../../../src/observability/logger.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';

/** A gateway and its own CDC consumer on the real pipeline, its group starting at the topics' ends. */
export interface LivePipeline {
  readonly gateway: GatewayHarness;
  readonly consumer: CdcConsumer;
  readonly admin: Admin;
  caughtUp(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLivePipeline(env: Record<string, string> = {}): Promise<LivePipeline> {
  const group = `it-live-${randomBytes(4).toString('hex')}`;
  const gateway = await startHarness({ env: { KAFKA_GROUP_ID: group, ...env } });
  const consumer = createCdcRuntime(gateway.services);
  const admin = createKafka(gateway.config.kafka, silentLogger).admin();
  await admin.connect();
  const topics = new RegExp(gateway.config.kafka.topicPattern);
  await startGroupAtTopicEnds(admin, group, topics);
  await consumer.start();
  await waitUntil(() => Promise.resolve(consumer.status().joined), 60_000, 'the consumer joined its group');
  const caughtUp = (timeoutMs = 120_000) => waitForGroupCaughtUp(admin, group, topics, timeoutMs);
  await caughtUp();
  return {
    gateway,
    consumer,
    admin,
    caughtUp,
    async close() {
      await consumer.stop();
      await admin.disconnect();
      await deleteIndicesWithPrefix(gateway.services.search, gateway.config.elasticsearch.indexPrefix);
      await gateway.close();
    },
  };
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

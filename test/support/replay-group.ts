import type { Admin } from 'kafkajs';
import { createCdcRuntime } from '../../src/server/cdc-runtime.js';
import type { GatewayServices } from '../../src/server/gateway-services.js';
import { waitForGroupCaughtUp } from './consumer-lag.js';
import type { TopicEnds } from './topic-positions.js';
import { startGroupAt } from './topic-positions.js';

/**
 * A second consumer group over the same stores replays every change since `positions` (its own
 * writes, and any other test's meanwhile) and stops once it has caught up: what a rebalance or a
 * restored offset does in production, for tests that then check nothing moved.
 */
export async function replayWithSecondGroup(
  admin: Admin,
  services: GatewayServices,
  groupId: string,
  positions: readonly TopicEnds[],
  timeoutMs = 120_000,
): Promise<void> {
  await startGroupAt(admin, groupId, positions);
  const replay = createCdcRuntime({ ...services, config: { ...services.config, kafka: { ...services.config.kafka, groupId } } });
  await replay.start();
  try {
    await waitForGroupCaughtUp(admin, groupId, new RegExp(services.config.kafka.topicPattern), timeoutMs);
  } finally {
    await replay.stop();
  }
}

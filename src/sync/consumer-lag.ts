import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

/**
 * True once the group has committed every message of every matching topic (an empty partition
 * counts as done). The consumer commits only what every store applied (Redis and Elasticsearch
 * each in their own lane), so caught up means caught up in all stores. The broker's view, so it
 * works for consumers in other processes; a process's own per-store positions are in its
 * ConsumerStatus.stores.
 */
export async function groupCaughtUp(admin: Admin, groupId: string, topicPattern: RegExp): Promise<boolean> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const groupOffsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      if (end.high === end.low) continue;
      const offset = groupOffsets.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
      if (BigInt(offset) < BigInt(end.high)) return false;
    }
  }
  return true;
}

export async function waitForGroupCaughtUp(admin: Admin, groupId: string, topicPattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await groupCaughtUp(admin, groupId, topicPattern))) {
    if (Date.now() > deadline) throw new Error(`consumer group ${groupId} did not catch up within ${timeoutMs} ms`);
    await sleep(200);
  }
}

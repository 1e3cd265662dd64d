import type { Admin } from 'kafkajs';

/**
 * Messages of the matching topics the group has not committed yet (the broker's view): what a
 * consumer killed now would leave to its successor.
 */
export async function groupLag(admin: Admin, groupId: string, topicPattern: RegExp): Promise<number> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  const committed = await admin.fetchOffsets({ groupId, topics });
  let lag = 0n;
  for (const topic of topics) {
    const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const end of await admin.fetchTopicOffsets(topic)) {
      const offset = BigInt(offsets.find((partition) => partition.partition === end.partition)?.offset ?? '-1');
      const from = offset < 0n ? BigInt(end.low) : offset;
      if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
    }
  }
  return Number(lag);
}

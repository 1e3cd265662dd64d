import type { Admin } from 'kafkajs';

/**
 * Commits a new consumer group's offsets at the current end of every CDC topic, so its consumer
 * starts with the changes made from now on instead of replaying the stack's whole history (which
 * grows with every run and is covered by the pipeline tests). The search indices are then filled
 * by the gateway's own backfill (reindex from MySQL while the consumer runs), as in a deployment
 * over existing data; the cache needs nothing, it is cache-aside.
 */
export async function startGroupAtTopicEnds(admin: Admin, groupId: string, topicPattern: RegExp): Promise<void> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
  }
}

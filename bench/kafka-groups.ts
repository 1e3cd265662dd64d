import type { Admin, Kafka } from 'kafkajs';

/**
 * Commits a new consumer group's offsets at the current end of every topic matching the pattern,
 * so a consumer started in it sees only what is written from now on (the gateway's consumer starts
 * a group without offsets at the beginning). One short-lived member joins once and commits for all
 * topics, where admin.setOffsets would join the group once per topic.
 */
export async function startGroupAtEnd(
  kafka: Kafka,
  admin: Admin,
  groupId: string,
  topicPattern: RegExp,
  timeoutMs = 60_000,
): Promise<void> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  if (topics.length === 0) return;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`group ${groupId} was not joined within ${timeoutMs} ms`)), timeoutMs);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
    await joined;
    const offsets = (
      await Promise.all(
        topics.map(async (topic) =>
          (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high })),
        ),
      )
    ).flat();
    await consumer.commitOffsets(offsets);
  } finally {
    await consumer.disconnect();
  }
}

import type { Admin } from 'kafkajs';

/** Where each partition of a topic ends now: a position to start or replay from. */
export interface TopicEnds {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

export async function topicEnds(admin: Admin, topicPattern: RegExp): Promise<TopicEnds[]> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  return Promise.all(
    topics.map(async (topic) => ({
      topic,
      partitions: (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high })),
    })),
  );
}

/** Positions `messages` back from each partition's end (or its start, when it holds fewer): recent history to replay. */
export async function recentHistory(admin: Admin, topicPattern: RegExp, messages: number): Promise<TopicEnds[]> {
  const topics = (await admin.listTopics()).filter((topic) => topicPattern.test(topic));
  return Promise.all(
    topics.map(async (topic) => ({
      topic,
      partitions: (await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => ({
        partition,
        offset: String(Math.max(Number(low), Number(high) - messages)),
      })),
    })),
  );
}

/** Commits a new (empty) group's offsets at the given positions; its consumer starts there. */
export async function startGroupAt(admin: Admin, groupId: string, positions: readonly TopicEnds[]): Promise<void> {
  for (const { topic, partitions } of positions) await admin.setOffsets({ groupId, topic, partitions: [...partitions] });
}

/**
 * Commits a new consumer group's offsets at the current end of every CDC topic, so its consumer
 * starts with the changes made from now on instead of replaying the stack's whole history, which
 * grows with every run (the bench's F1 alone appends ~11,000 changes a run) and would make a test's
 * catch-up time depend on how long the stack has been used.
 */
export async function startGroupAtTopicEnds(admin: Admin, groupId: string, topicPattern: RegExp): Promise<void> {
  await startGroupAt(admin, groupId, await topicEnds(admin, topicPattern));
}

import type { Redis } from 'ioredis';
import { createRedisClient, waitForRedis } from '../src/cache/redis-client.js';

/** Deletes every key starting with `prefix` (SCAN + UNLINK); resolves with how many. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  const match = `${prefix.replace(/[\\*?[\]]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 5_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A Redis client for the bench's own bookkeeping, connected before it is handed out. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = createRedisClient({ url, commandTimeoutMs: 10_000 });
  await waitForRedis(redis, 5_000);
  return redis;
}

import { Redis } from 'ioredis';
import type { Result } from 'ioredis';
import { acquireLeaseScript, applyChangeScript, fillScript, invalidateKeepingVersionScript } from './cache-scripts.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gwAcquireLease(key: string, token: string, ttlMs: number): Result<string, Context>;
    gwFill(key: string, token: string, tag: string, payload: string, ttlMs: number): Result<number, Context>;
    gwApplyChange(key: string, version: string, kind: string, payload: string, ttlMs: number): Result<number, Context>;
    gwInvalidateKeepingVersion(key: string, ttlMs: number): Result<number, Context>;
  }
}

export interface RedisClientOptions {
  readonly url: string;
  /** A slow Redis must not slow reads down: past this, the read path goes to the database instead. */
  readonly commandTimeoutMs: number;
  readonly onError?: (error: Error) => void;
}

/**
 * Commands fail at once while Redis is unreachable (no offline queue), so reads fall through to the
 * database immediately; ioredis keeps reconnecting in the background and the cache is used again
 * as soon as Redis is back.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const redis = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs * 5),
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    enableAutoPipelining: true,
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  redis.defineCommand('gwAcquireLease', { numberOfKeys: 1, lua: acquireLeaseScript });
  redis.defineCommand('gwFill', { numberOfKeys: 1, lua: fillScript });
  redis.defineCommand('gwApplyChange', { numberOfKeys: 1, lua: applyChangeScript });
  redis.defineCommand('gwInvalidateKeepingVersion', { numberOfKeys: 1, lua: invalidateKeepingVersionScript });
  return redis;
}

/** Resolves once connected, or rejects after `timeoutMs` (start-up checks use this). */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

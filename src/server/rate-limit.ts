import type { Result } from 'ioredis';
import type { RedisConnection } from '../cache/redis-client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/**
 * A fixed window per client in one Lua script: INCRBY and the window's expiry happen atomically in
 * Redis, so every gateway instance shares the same count and a burst across instances is still one
 * budget. Returns the count after this request and the milliseconds left in the window. One key per
 * client and window, so on a Redis Cluster the script runs whole on the key's own master.
 */
const fixedWindowScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { count, ttl }`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gwRateLimit(key: string, cost: number, windowMs: number): Result<[number, number], Context>;
  }
}

export type RateDecision =
  | { readonly allowed: true; readonly remaining: number | null }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly limit: number };

export interface RateLimiter {
  /**
   * Counts `cost` requests against the client's window; resolves, never rejects. `logger` is the
   * request's (its lines carry the request id); the limiter's own when absent.
   */
  take(client: string, cost: number, logger?: Logger): Promise<RateDecision>;
}

export interface RateLimiterDependencies {
  readonly redis: RedisConnection;
  readonly keyPrefix: string;
  /** Requests per window per client; 0 turns the limit off. */
  readonly limit: number;
  readonly windowMs: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * When Redis cannot answer, the request goes through (fail open) and is counted: the rate limit
 * protects the database from one greedy client, and refusing everyone because the limiter's store is
 * down would turn a cache outage, which the read path survives, into a full outage.
 */
export function createRateLimiter(deps: RateLimiterDependencies): RateLimiter {
  const { redis, limit, windowMs, metrics, logger } = deps;
  redis.defineCommand('gwRateLimit', { numberOfKeys: 1, lua: fixedWindowScript });
  let lastWarning = 0;
  return {
    async take(client, cost, requestLogger = logger) {
      if (limit === 0) return { allowed: true, remaining: null };
      const window = Math.floor(Date.now() / windowMs);
      try {
        const [count, ttl] = await redis.gwRateLimit(`${deps.keyPrefix}rl:${client}:${window}`, cost, windowMs);
        if (count <= limit) return { allowed: true, remaining: limit - count };
        metrics.increment('rate_limit_rejections', {});
        return { allowed: false, retryAfterMs: Math.max(1, ttl), limit };
      } catch (error) {
        metrics.increment('rate_limit_fail_open', {});
        if (Date.now() - lastWarning > 1_000) {
          lastWarning = Date.now();
          requestLogger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rate limiter unavailable; letting requests through');
        }
        return { allowed: true, remaining: null };
      }
    },
  };
}

import type { IRateLimiterOptions } from 'rate-limiter-flexible';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisConnection } from '../cache/redis-client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export type RateDecision =
  | { readonly allowed: true; readonly remaining: number | null }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly limit: number };

export interface RateLimiter {
  /**
   * Counts `cost` requests against the client's window; resolves, never rejects. `logger` is the
   * request's (its lines carry the request id); the limiter's own when absent.
   */
  take(client: string, cost: number, logger?: Logger): Promise<RateDecision>;
  /** Whether the client's next request would be allowed, without counting it; resolves, never rejects. */
  peek(client: string): Promise<RateDecision>;
}

export interface RateLimiterDependencies {
  readonly redis: RedisConnection;
  /** The Redis key prefix and the limiter's own name: `${keyPrefix}${name}:${client}`. */
  readonly keyPrefix: string;
  readonly name: string;
  /** Requests per window per client; 0 turns the limit off. */
  readonly limit: number;
  /** Whole seconds (the library counts windows in seconds). */
  readonly windowMs: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const allowedWithoutLimit: RateDecision = { allowed: true, remaining: null };

/**
 * rate-limiter-flexible's Redis limiter: one atomic script per request, so every gateway instance
 * shares one budget per client, and the window is the client's own (it starts at its first request
 * and Retry-After is the time until that window really ends). While Redis cannot answer, its
 * insurance limiter (in memory, the same budget per instance) keeps the limit: a Redis outage, which
 * the read path survives, must not switch rate limiting off.
 */
export function createRateLimiter(deps: RateLimiterDependencies): RateLimiter {
  const { limit, metrics, logger } = deps;
  if (limit === 0) return { take: () => Promise.resolve(allowedWithoutLimit), peek: () => Promise.resolve(allowedWithoutLimit) };
  let lastWarning = 0;
  const noteInsurance = (options: unknown) => {
    metrics.increment('rate_limit_store_unavailable', {});
    if (Date.now() - lastWarning > 1_000) {
      lastWarning = Date.now();
      // The request's logger travels in the call's options (the library hands them to its insurance).
      const requestLogger = (options as { logger?: Logger } | undefined)?.logger ?? logger;
      requestLogger.warn({ limiter: deps.name }, 'rate limiter store (Redis) unavailable; counting in memory on this instance');
    }
  };
  const options: IRateLimiterOptions = {
    keyPrefix: `${deps.keyPrefix}${deps.name}`,
    points: limit,
    duration: Math.max(1, Math.round(deps.windowMs / 1000)),
  };
  class InsuranceLimiter extends RateLimiterMemory {
    override consume(...args: Parameters<RateLimiterMemory['consume']>) {
      noteInsurance(args[2]);
      return super.consume(...args);
    }
    override get(...args: Parameters<RateLimiterMemory['get']>) {
      noteInsurance(args[1]);
      return super.get(...args);
    }
  }
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: deps.redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new InsuranceLimiter(options),
  });
  const refused = (result: RateLimiterRes): RateDecision => {
    metrics.increment('rate_limit_rejections', {});
    return { allowed: false, retryAfterMs: Math.max(1, result.msBeforeNext), limit };
  };
  return {
    async take(client, cost, requestLogger = logger) {
      try {
        const result = await limiter.consume(client, Math.max(1, Math.round(cost)), { logger: requestLogger });
        return { allowed: true, remaining: result.remainingPoints };
      } catch (error) {
        if (error instanceof RateLimiterRes) return refused(error);
        // Both stores failed (never expected of the in-memory one): let the request through, loudly.
        requestLogger.error({ err: error instanceof Error ? error.message : String(error), limiter: deps.name }, 'rate limiter failed');
        return allowedWithoutLimit;
      }
    },
    async peek(client) {
      try {
        const result = await limiter.get(client);
        return result !== null && result.consumedPoints >= limit
          ? refused(result)
          : { allowed: true, remaining: result === null ? limit : result.remainingPoints };
      } catch {
        return allowedWithoutLimit;
      }
    },
  };
}

import { GatewayError } from '../errors.js';
import { proxyBlockList } from './cidr-list.js';
import type { Env } from './env-readers.js';
import { readBoolean, readInteger, readString } from './env-readers.js';

/** Loopback and private networks: where a deployment's own load balancers live. */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7';

export interface HttpSecurityConfig {
  /** Schema introspection and Apollo's landing page (GRAPHQL_INTROSPECTION; off unless asked). */
  readonly introspection: boolean;
  /** With trustProxy: CIDRs of our own proxies; the rightmost X-Forwarded-For hop outside them is the client. */
  readonly trustedProxies: readonly string[];
  /** How long one /readyz answer is reused: a probe storm costs one round of dependency checks per period. */
  readonly readinessCacheMs: number;
}

function invalid(name: string, message: string): GatewayError {
  return new GatewayError('CONFIG_INVALID', `${name} is invalid: ${message}`, { details: { variable: name } });
}

export function readTrustedProxies(env: Env): string[] {
  const entries = readString(env, 'TRUSTED_PROXIES', DEFAULT_TRUSTED_PROXIES)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  try {
    proxyBlockList(entries);
  } catch (error) {
    throw invalid('TRUSTED_PROXIES', error instanceof Error ? error.message : String(error));
  }
  return entries;
}

export function readHttpSecurity(env: Env): HttpSecurityConfig {
  return {
    introspection: readBoolean(env, 'GRAPHQL_INTROSPECTION', false),
    trustedProxies: readTrustedProxies(env),
    readinessCacheMs: readInteger(env, 'READINESS_CACHE_MS', 1_000, { min: 0, max: 60_000 }),
  };
}

export interface RateLimitConfig {
  /** Requests per window per client (API key, JWT subject or IP); 0 turns the limit off. */
  readonly requests: number;
  /** Whole seconds: rate-limiter-flexible counts windows in seconds. */
  readonly windowMs: number;
  /** Failed authentications (bad key or token) per window per client IP before that IP is refused; 0: off. */
  readonly authFailures: number;
  readonly authFailureWindowMs: number;
}

function readWindow(env: Env, name: string, fallback: number): number {
  const windowMs = readInteger(env, name, fallback, { min: 1_000, max: 86_400_000 });
  if (windowMs % 1_000 !== 0) throw invalid(name, `${windowMs} is not a whole number of seconds (the limiter counts in seconds)`);
  return windowMs;
}

export function readRateLimits(env: Env): RateLimitConfig {
  return {
    requests: readInteger(env, 'RATE_LIMIT_REQUESTS', 1200, { min: 0, max: 100_000_000 }),
    windowMs: readWindow(env, 'RATE_LIMIT_WINDOW_MS', 60_000),
    authFailures: readInteger(env, 'AUTH_FAILURE_LIMIT', 20, { min: 0, max: 1_000_000 }),
    authFailureWindowMs: readWindow(env, 'AUTH_FAILURE_WINDOW_MS', 300_000),
  };
}

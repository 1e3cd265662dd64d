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

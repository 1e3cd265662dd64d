import { Cluster, Redis } from 'ioredis';
import type { RedisOptions, Result } from 'ioredis';
import type { RedisSecurity } from '../config/transport-config.js';
import { acquireLeaseScript, applyChangeScript, fillScript, invalidateKeepingVersionScript } from './cache-scripts.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gwAcquireLease(key: string, token: string, ttlMs: number): Result<string, Context>;
    gwFill(key: string, token: string, tag: string, payload: string, ttlMs: number): Result<number, Context>;
    gwApplyChange(key: string, version: string, kind: string, payload: string, ttlMs: number): Result<number, Context>;
    gwInvalidateKeepingVersion(key: string, ttlMs: number): Result<number, Context>;
  }
}

/** One Redis server or a Redis Cluster: every cache, rate-limit and check operation works on both. */
export type RedisConnection = Redis | Cluster;

export interface RedisClientOptions {
  readonly url: string;
  /** A slow Redis must not slow reads down: past this, the read path goes to the database instead. */
  readonly commandTimeoutMs: number;
  readonly onError?: (error: Error) => void;
  /** REDIS_USERNAME / REDIS_PASSWORD / REDIS_TLS*: absent, the URL says it all (the local stack). */
  readonly security?: RedisSecurity;
}

/** Credentials and TLS for one server or every Cluster node (a Cluster has no URL to carry them). */
function securityOptions(security: RedisSecurity | undefined): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  if (security === undefined) return {};
  const { tls } = security;
  return {
    ...(security.username === null ? {} : { username: security.username }),
    ...(security.password === null ? {} : { password: security.password }),
    ...(tls.enabled ? { tls: { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca === null ? {} : { ca: tls.ca }) } } : {}),
  };
}

export interface RedisConnectionOptions extends RedisClientOptions {
  /** Seed nodes (host:port) of a Redis Cluster; when non-empty, `url` is not used. */
  readonly clusterNodes?: readonly string[];
}

export const isRedisCluster = (redis: RedisConnection): redis is Cluster => redis instanceof Cluster;

function defineCacheCommands(redis: RedisConnection): void {
  redis.defineCommand('gwAcquireLease', { numberOfKeys: 1, lua: acquireLeaseScript });
  redis.defineCommand('gwFill', { numberOfKeys: 1, lua: fillScript });
  redis.defineCommand('gwApplyChange', { numberOfKeys: 1, lua: applyChangeScript });
  redis.defineCommand('gwInvalidateKeepingVersion', { numberOfKeys: 1, lua: invalidateKeepingVersionScript });
}

const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 1_000);

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
    retryStrategy: reconnectDelayMs,
    enableAutoPipelining: true,
    ...securityOptions(options.security),
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  defineCacheCommands(redis);
  return redis;
}

function parseNode(node: string): { host: string; port: number } {
  const separator = node.lastIndexOf(':');
  return { host: node.slice(0, separator).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(separator + 1)) };
}

/**
 * A single server, or a Cluster when seed nodes are given. The cluster client has the same
 * fail-fast behaviour as the single one; auto-pipelining groups the commands of one tick per master,
 * which is what keeps a batch of keys spread over every slot at one round trip per node.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const nodes = options.clusterNodes ?? [];
  if (nodes.length === 0) return createRedisClient(options);
  const cluster = new Cluster(nodes.map(parseNode), {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    clusterRetryStrategy: reconnectDelayMs,
    slotsRefreshTimeout: Math.max(1_000, options.commandTimeoutMs * 5),
    redisOptions: {
      ...securityOptions(options.security),
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      connectTimeout: Math.max(1_000, options.commandTimeoutMs * 5),
    },
  });
  cluster.on('error', (error: Error) => options.onError?.(error));
  cluster.on('node error', (error: Error) => options.onError?.(error));
  defineCacheCommands(cluster);
  return cluster;
}

/** The servers holding keys: the one server, or every master of a cluster. */
export function keyHoldingNodes(redis: RedisConnection): Redis[] {
  return isRedisCluster(redis) ? redis.nodes('master') : [redis];
}

/**
 * Every key matching `pattern`, one SCAN page at a time. A cluster SCAN only sees the keys of the
 * node it runs on, so each master is scanned in turn. Like SCAN, a key may be reported twice.
 */
export async function* scanKeys(redis: RedisConnection, pattern: string, count: number): AsyncGenerator<string[]> {
  for (const node of keyHoldingNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }
}

/** PING the server, or every master: a cluster with one master down cannot serve its slots. */
export async function pingRedis(redis: RedisConnection): Promise<void> {
  if (isRedisCluster(redis) && redis.status !== 'ready') throw new Error(`redis cluster is ${redis.status}`);
  await Promise.all(keyHoldingNodes(redis).map((node) => node.ping()));
}

/** Resolves once connected, or rejects after `timeoutMs` (start-up checks use this). */
export function waitForRedis(redis: RedisConnection, timeoutMs: number): Promise<void> {
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

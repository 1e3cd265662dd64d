import { createPublicKey } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { Env } from './env-readers.js';
import { readBoolean, readChoice, readHostPortList, readInteger, readPort, readString, readUrl } from './env-readers.js';
import type { HttpSecurityConfig } from './security-config.js';
import { readHttpSecurity } from './security-config.js';

/**
 * The gateway's whole configuration, read once from the environment. This module and
 * stack-config.ts are the only readers of process.env (callers pass it in).
 */
export interface GatewayConfig {
  readonly mode: 'development' | 'production';
  readonly http: HttpSecurityConfig & {
    readonly host: string;
    readonly port: number;
    /** Take the client's address from X-Forwarded-For (only behind proxies listed in trustedProxies). */
    readonly trustProxy: boolean;
    /** Serve the demo search page at `/` (a demo, so off by default in production). */
    readonly searchPage: boolean;
  };
  readonly limits: LimitsConfig;
  readonly rateLimit: { readonly requests: number; readonly windowMs: number };
  /** Subscriptions: events a client may have waiting before it is cut off; subscriptions per connection. */
  readonly live: { readonly bufferEvents: number; readonly subscriptionsPerConnection: number };
  /** SIGTERM → exit: in-flight requests and the current CDC batch must finish within this. */
  readonly shutdownTimeoutMs: number;
  readonly mysql: {
    readonly url: string;
    /** The application's own writer account: used by migrations, the demo seeder and tests, never by the API. */
    readonly writerUrl: string;
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    /** Per-statement bound on the read path (row reads, relation lists). */
    readonly queryTimeoutMs: number;
  };
  readonly redis: {
    readonly url: string;
    /** Seed nodes (host:port) of a Redis Cluster from REDIS_CLUSTER_NODES; empty: the single server at `url`. */
    readonly clusterNodes: readonly string[];
    readonly commandTimeoutMs: number;
    readonly keyPrefix: string;
  };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    /** Topics the consumer reads: a regular expression over topic names. */
    readonly topicPattern: string;
    readonly format: 'auto' | 'debezium' | 'canal' | 'ticdc' | 'maxwell';
    readonly deadLetterTopic: string;
  };
  readonly elasticsearch: {
    readonly url: string;
    readonly indexPrefix: string;
    readonly requestTimeoutMs: number;
    /** How soon an indexed change becomes searchable; shorter costs more merge work. */
    readonly refreshInterval: string;
  };
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** `npm start` brings the local stack up when every service points at its local default. */
  readonly autoStartLocalStack: boolean;
  readonly demoDataSize: number;
  readonly auth: AuthConfig;
}

export interface ApiKeyGrant {
  readonly name: string;
  readonly key: string;
  readonly roles: readonly string[];
}

export interface AuthConfig {
  /** API keys from API_KEYS="name:key:role+role,…" (secrets: only ever from the environment). */
  readonly apiKeys: readonly ApiKeyGrant[];
  /** Whether requests without credentials may read public data (products, search). */
  readonly anonymousAccess: boolean;
  readonly jwt: JwtConfig;
}

export interface JwtConfig {
  /** HS256 shared secret (JWT_HS256_SECRET); null: HS256 tokens are refused. */
  readonly hs256Secret: string | null;
  /** RS256 public key, PEM (JWT_RS256_PUBLIC_KEY); null: RS256 tokens are refused. */
  readonly rs256PublicKey: string | null;
  readonly issuer: string | null;
  readonly audience: string | null;
  /** The claim holding the viewer's roles: an array of strings or a space-separated string. */
  readonly rolesClaim: string;
  readonly clockToleranceSeconds: number;
}

/** Checked before execution (query shape) or before parsing (HTTP); each rejection has its own code. */
export interface LimitsConfig {
  readonly maxDepth: number;
  readonly maxAliases: number;
  /** Estimated fields resolved, lists multiplied by their `first`/`ids` size. */
  readonly maxCost: number;
  /** Operations in one batched HTTP request (a JSON array body). */
  readonly maxBatchOperations: number;
  readonly maxBodyBytes: number;
  /**
   * Lexical tokens a document may have. Parsing and validating are linear but not free: without a
   * bound, a half-megabyte alias bomb costs seconds of CPU before any other limit can look at it.
   */
  readonly maxTokens: number;
}

function readJwtConfig(env: Env): JwtConfig {
  const secret = readString(env, 'JWT_HS256_SECRET', '');
  if (secret !== '' && Buffer.byteLength(secret) < 32) {
    throw new GatewayError('CONFIG_INVALID', 'JWT_HS256_SECRET is too short: use at least 32 bytes', { details: { variable: 'JWT_HS256_SECRET' } });
  }
  // Env files often carry a PEM on one line with literal \n.
  const pem = readString(env, 'JWT_RS256_PUBLIC_KEY', '').replaceAll('\\n', '\n');
  if (pem !== '') {
    try {
      createPublicKey(pem);
    } catch (error) {
      throw new GatewayError('CONFIG_INVALID', `JWT_RS256_PUBLIC_KEY is not a PEM public key: ${error instanceof Error ? error.message : String(error)}`, { details: { variable: 'JWT_RS256_PUBLIC_KEY' } });
    }
  }
  const optional = (name: string) => {
    const value = readString(env, name, '');
    return value === '' ? null : value;
  };
  return {
    hs256Secret: secret === '' ? null : secret,
    rs256PublicKey: pem === '' ? null : pem,
    issuer: optional('JWT_ISSUER'),
    audience: optional('JWT_AUDIENCE'),
    rolesClaim: readString(env, 'JWT_ROLES_CLAIM', 'roles'),
    clockToleranceSeconds: readInteger(env, 'JWT_CLOCK_TOLERANCE_S', 30, { min: 0, max: 600 }),
  };
}

function readLimits(env: Env): LimitsConfig {
  return {
    maxDepth: readInteger(env, 'MAX_QUERY_DEPTH', 12, { min: 1, max: 100 }),
    maxAliases: readInteger(env, 'MAX_QUERY_ALIASES', 30, { min: 0, max: 10_000 }),
    maxCost: readInteger(env, 'MAX_QUERY_COST', 20_000, { min: 1, max: 100_000_000 }),
    maxBatchOperations: readInteger(env, 'MAX_BATCH_OPERATIONS', 10, { min: 1, max: 1_000 }),
    maxBodyBytes: readInteger(env, 'MAX_BODY_BYTES', 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    maxTokens: readInteger(env, 'MAX_QUERY_TOKENS', 5_000, { min: 100, max: 1_000_000 }),
  };
}

function readDuration(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!/^\d+(ms|s|m)$/.test(value)) {
    throw new GatewayError('CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected a duration such as 500ms or 1s`, { details: { variable: name } });
  }
  return value;
}

function readApiKeys(env: Env): ApiKeyGrant[] {
  const raw = readString(env, 'API_KEYS', '');
  if (raw === '') return [];
  return raw.split(',').map((entry) => {
    const [name, key, roles] = entry.trim().split(':');
    if (name === undefined || key === undefined || key.length < 16 || roles === undefined || name === '') {
      throw new GatewayError('CONFIG_INVALID', `API_KEYS entry ${JSON.stringify(name ?? '')} is invalid: expected name:key:role+role with a key of at least 16 characters`, { details: { variable: 'API_KEYS' } });
    }
    return { name, key, roles: roles.split('+').filter((role) => role !== '') };
  });
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  const mode = readChoice(env, 'NODE_ENV', ['development', 'production'] as const, 'development');
  const mysqlPort = readPort(env, 'MYSQL_PORT', 3306);
  const redisPort = readPort(env, 'REDIS_PORT', 6379);
  const kafkaPort = readPort(env, 'KAFKA_PORT', 9092);
  const esPort = readPort(env, 'ELASTICSEARCH_PORT', 9200);
  return {
    mode,
    http: {
      host: readString(env, 'HOST', '127.0.0.1'),
      port: readPort(env, 'PORT', 4000),
      trustProxy: readBoolean(env, 'TRUST_PROXY', false),
      searchPage: readBoolean(env, 'SEARCH_PAGE', mode !== 'production'),
      ...readHttpSecurity(env),
    },
    limits: readLimits(env),
    rateLimit: {
      requests: readInteger(env, 'RATE_LIMIT_REQUESTS', 1200, { min: 0, max: 100_000_000 }),
      windowMs: readInteger(env, 'RATE_LIMIT_WINDOW_MS', 60_000, { min: 100, max: 86_400_000 }),
    },
    live: {
      bufferEvents: readInteger(env, 'SUBSCRIPTION_BUFFER_EVENTS', 1000, { min: 1, max: 1_000_000 }),
      subscriptionsPerConnection: readInteger(env, 'SUBSCRIPTIONS_PER_CONNECTION', 50, { min: 1, max: 10_000 }),
    },
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, { min: 100, max: 600_000 }),
    mysql: {
      url: readUrl(env, 'MYSQL_URL', `mysql://gateway:gateway@127.0.0.1:${mysqlPort}/shop`, ['mysql:']),
      writerUrl: readUrl(env, 'MYSQL_WRITER_URL', `mysql://shop:shop@127.0.0.1:${mysqlPort}/shop`, ['mysql:']),
      poolSize: readInteger(env, 'MYSQL_POOL_SIZE', 10, { min: 1, max: 1000 }),
      connectTimeoutMs: readInteger(env, 'MYSQL_CONNECT_TIMEOUT_MS', 3000, { min: 100, max: 120_000 }),
      queryTimeoutMs: readInteger(env, 'MYSQL_QUERY_TIMEOUT_MS', 5000, { min: 100, max: 600_000 }),
    },
    redis: {
      url: readUrl(env, 'REDIS_URL', `redis://127.0.0.1:${redisPort}/0`, ['redis:', 'rediss:']),
      clusterNodes: readString(env, 'REDIS_CLUSTER_NODES', '') === '' ? [] : readHostPortList(env, 'REDIS_CLUSTER_NODES', ''),
      commandTimeoutMs: readInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 200, { min: 5, max: 60_000 }),
      keyPrefix: readString(env, 'REDIS_KEY_PREFIX', 'gw:'),
    },
    kafka: {
      brokers: readHostPortList(env, 'KAFKA_BROKERS', `127.0.0.1:${kafkaPort}`),
      clientId: readString(env, 'KAFKA_CLIENT_ID', 'gateway'),
      groupId: readString(env, 'KAFKA_GROUP_ID', 'gateway-sync'),
      // Row topics plus Debezium's schema-change topic (named after the prefix alone).
      topicPattern: readString(env, 'CDC_TOPIC_PATTERN', '^shop(\\.shop\\.[a-z_]+)?$'),
      format: readChoice(env, 'CDC_FORMAT', ['auto', 'debezium', 'canal', 'ticdc', 'maxwell'] as const, 'auto'),
      deadLetterTopic: readString(env, 'CDC_DEAD_LETTER_TOPIC', 'gateway.dead-letter'),
    },
    elasticsearch: {
      url: readUrl(env, 'ELASTICSEARCH_URL', `http://127.0.0.1:${esPort}`, ['http:', 'https:']),
      indexPrefix: readString(env, 'ELASTICSEARCH_INDEX_PREFIX', 'gw-'),
      requestTimeoutMs: readInteger(env, 'ELASTICSEARCH_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
      refreshInterval: readDuration(env, 'ELASTICSEARCH_REFRESH_INTERVAL', '250ms'),
    },
    logLevel: readChoice(env, 'LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    autoStartLocalStack: readBoolean(env, 'AUTO_START_STACK', true),
    demoDataSize: readInteger(env, 'DEMO_DATA_SIZE', 2000, { min: 0, max: 10_000_000 }),
    auth: { apiKeys: readApiKeys(env), anonymousAccess: readBoolean(env, 'ANONYMOUS_ACCESS', true), jwt: readJwtConfig(env) },
  };
}

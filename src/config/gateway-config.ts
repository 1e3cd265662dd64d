import { GatewayError } from '../errors.js';
import type { Env } from './env-readers.js';
import { readBoolean, readChoice, readHostPortList, readInteger, readPort, readString, readUrl } from './env-readers.js';
import type { AuthConfig } from './auth-config.js';
import { readAuthConfig } from './auth-config.js';
import type { HttpSecurityConfig } from './security-config.js';
import type { RateLimitConfig } from './security-config.js';
import type { KafkaSecurity, RedisSecurity, TlsSettings } from './transport-config.js';
import { readKafkaSecurity, readRedisSecurity, readTls } from './transport-config.js';
import { readHttpSecurity, readRateLimits } from './security-config.js';
import { defaultSchemaRegistryPort } from './stack-config.js';

/**
 * The gateway's whole configuration, read once from the environment. This module and
 * stack-config.ts are the only readers of process.env (callers pass it in).
 */
export interface GatewayConfig {
  readonly mode: 'development' | 'production';
  /**
   * GATEWAY_SCHEMA: which entity schema this process serves (`shop`, or a generated one such as
   * `library`). It names the default database (MYSQL_URL's path) and CDC topics (`<name>.<name>.*`).
   */
  readonly schema: string;
  readonly http: HttpSecurityConfig & {
    readonly host: string;
    readonly port: number;
    /** Take the client's address from X-Forwarded-For (only behind proxies listed in trustedProxies). */
    readonly trustProxy: boolean;
    /** Serve the demo search page at `/` (a demo, so off by default in production). */
    readonly searchPage: boolean;
  };
  readonly limits: LimitsConfig;
  readonly rateLimit: RateLimitConfig;
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
    /** MYSQL_TLS, MYSQL_TLS_CA_FILE, MYSQL_TLS_REJECT_UNAUTHORIZED. */
    readonly tls: TlsSettings;
  };
  readonly redis: RedisSecurity & {
    readonly url: string;
    /** Seed nodes (host:port) of a Redis Cluster from REDIS_CLUSTER_NODES; empty: the single server at `url`. */
    readonly clusterNodes: readonly string[];
    readonly commandTimeoutMs: number;
    readonly keyPrefix: string;
  };
  readonly kafka: KafkaSecurity & {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    /** Topics the consumer reads: a regular expression over topic names. */
    readonly topicPattern: string;
    readonly format: 'auto' | 'debezium' | 'debezium-avro' | 'canal' | 'ticdc' | 'maxwell';
    readonly deadLetterTopic: string;
    /** How often the consumer probes the topics' end offsets to move its watermarks (the staleness bound's resolution). */
    readonly watermarkProbeMs?: number;
    /** Confluent-compatible schema registry API, where Avro messages' schemas are looked up by id. */
    readonly schemaRegistryUrl: string;
  };
  readonly elasticsearch: {
    readonly url: string;
    readonly indexPrefix: string;
    readonly requestTimeoutMs: number;
    /** How soon an indexed change becomes searchable; shorter costs more merge work. */
    readonly refreshInterval: string;
    /** Tombstones of deleted rows are kept this long: at least as long as Kafka keeps the CDC topics. */
    readonly tombstoneRetentionMs: number;
    readonly tombstonePurgeIntervalMs: number;
  };
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** `npm start` brings the local stack up when every service points at its local default. */
  readonly autoStartLocalStack: boolean;
  readonly demoDataSize: number;
  readonly auth: AuthConfig;
}

export type { ApiKeyGrant, AuthConfig, JwtConfig } from './auth-config.js';

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

function readLimits(env: Env): LimitsConfig {
  return {
    maxDepth: readInteger(env, 'MAX_QUERY_DEPTH', 12, { min: 1, max: 100 }),
    maxAliases: readInteger(env, 'MAX_QUERY_ALIASES', 30, { min: 0, max: 10_000 }),
    // The search page's own query at its largest page (first: 100, with highlights and facets) costs
    // ~29,000: a connection's facets and totals are counted once per hit, an overestimate kept on purpose.
    maxCost: readInteger(env, 'MAX_QUERY_COST', 50_000, { min: 1, max: 100_000_000 }),
    maxBatchOperations: readInteger(env, 'MAX_BATCH_OPERATIONS', 10, { min: 1, max: 1_000 }),
    maxBodyBytes: readInteger(env, 'MAX_BODY_BYTES', 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    maxTokens: readInteger(env, 'MAX_QUERY_TOKENS', 5_000, { min: 100, max: 1_000_000 }),
  };
}

function readDuration(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!/^\d+(ms|s|m)$/.test(value)) {
    throw new GatewayError('CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected a duration such as 500ms or 1s`, {
      details: { variable: name },
    });
  }
  return value;
}

/** A schema name doubles as a database and topic prefix, so it is kept to what all three accept as is. */
function readSchemaName(env: Env): string {
  const value = readString(env, 'GATEWAY_SCHEMA', 'shop');
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(value)) {
    throw new GatewayError(
      'CONFIG_INVALID',
      `GATEWAY_SCHEMA=${JSON.stringify(value)} is invalid: expected a lowercase name such as library`,
      {
        details: { variable: 'GATEWAY_SCHEMA' },
      },
    );
  }
  return value;
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  const mode = readChoice(env, 'NODE_ENV', ['development', 'production'] as const, 'development');
  const mysqlPort = readPort(env, 'MYSQL_PORT', 3306);
  const redisPort = readPort(env, 'REDIS_PORT', 6379);
  const kafkaPort = readPort(env, 'KAFKA_PORT', 9092);
  const esPort = readPort(env, 'ELASTICSEARCH_PORT', 9200);
  const schemaRegistryPort = readPort(env, 'SCHEMA_REGISTRY_PORT', defaultSchemaRegistryPort(env));
  const schema = readSchemaName(env);
  return {
    mode,
    schema,
    http: {
      host: readString(env, 'HOST', '127.0.0.1'),
      port: readPort(env, 'PORT', 4000),
      trustProxy: readBoolean(env, 'TRUST_PROXY', false),
      // The demo search page searches the shop's products: a generated schema has no such page.
      searchPage: readBoolean(env, 'SEARCH_PAGE', mode !== 'production' && schema === 'shop'),
      ...readHttpSecurity(env),
    },
    limits: readLimits(env),
    rateLimit: readRateLimits(env),
    live: {
      bufferEvents: readInteger(env, 'SUBSCRIPTION_BUFFER_EVENTS', 1000, { min: 1, max: 1_000_000 }),
      subscriptionsPerConnection: readInteger(env, 'SUBSCRIPTIONS_PER_CONNECTION', 50, { min: 1, max: 10_000 }),
    },
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, { min: 100, max: 600_000 }),
    mysql: {
      url: readUrl(env, 'MYSQL_URL', `mysql://gateway:gateway@127.0.0.1:${mysqlPort}/${schema}`, ['mysql:']),
      writerUrl: readUrl(env, 'MYSQL_WRITER_URL', `mysql://shop:shop@127.0.0.1:${mysqlPort}/${schema}`, ['mysql:']),
      poolSize: readInteger(env, 'MYSQL_POOL_SIZE', 10, { min: 1, max: 1000 }),
      connectTimeoutMs: readInteger(env, 'MYSQL_CONNECT_TIMEOUT_MS', 3000, { min: 100, max: 120_000 }),
      queryTimeoutMs: readInteger(env, 'MYSQL_QUERY_TIMEOUT_MS', 5000, { min: 100, max: 600_000 }),
      tls: readTls(env, 'MYSQL'),
    },
    redis: {
      url: readUrl(env, 'REDIS_URL', `redis://127.0.0.1:${redisPort}/0`, ['redis:', 'rediss:']),
      clusterNodes: readString(env, 'REDIS_CLUSTER_NODES', '') === '' ? [] : readHostPortList(env, 'REDIS_CLUSTER_NODES', ''),
      commandTimeoutMs: readInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 200, { min: 5, max: 60_000 }),
      keyPrefix: readString(env, 'REDIS_KEY_PREFIX', 'gw:'),
      ...readRedisSecurity(env, readString(env, 'REDIS_URL', '')),
    },
    kafka: {
      brokers: readHostPortList(env, 'KAFKA_BROKERS', `127.0.0.1:${kafkaPort}`),
      clientId: readString(env, 'KAFKA_CLIENT_ID', 'gateway'),
      groupId: readString(env, 'KAFKA_GROUP_ID', 'gateway-sync'),
      // Row topics plus Debezium's schema-change topic (named after the prefix alone).
      topicPattern: readString(env, 'CDC_TOPIC_PATTERN', `^${schema}(\\.${schema}\\.[a-z_]+)?$`),
      format: readChoice(env, 'CDC_FORMAT', ['auto', 'debezium', 'debezium-avro', 'canal', 'ticdc', 'maxwell'] as const, 'auto'),
      deadLetterTopic: readString(env, 'CDC_DEAD_LETTER_TOPIC', 'gateway.dead-letter'),
      watermarkProbeMs: readInteger(env, 'CDC_WATERMARK_PROBE_MS', 250, { min: 50, max: 60_000 }),
      schemaRegistryUrl: readUrl(env, 'SCHEMA_REGISTRY_URL', `http://127.0.0.1:${schemaRegistryPort}/apis/ccompat/v6`, ['http:', 'https:']),
      ...readKafkaSecurity(env),
    },
    elasticsearch: {
      url: readUrl(env, 'ELASTICSEARCH_URL', `http://127.0.0.1:${esPort}`, ['http:', 'https:']),
      indexPrefix: readString(env, 'ELASTICSEARCH_INDEX_PREFIX', 'gw-'),
      requestTimeoutMs: readInteger(env, 'ELASTICSEARCH_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
      refreshInterval: readDuration(env, 'ELASTICSEARCH_REFRESH_INTERVAL', '250ms'),
      tombstoneRetentionMs: readInteger(env, 'SEARCH_TOMBSTONE_RETENTION_S', 7 * 24 * 3600, { min: 1, max: 365 * 24 * 3600 }) * 1000,
      tombstonePurgeIntervalMs: readInteger(env, 'SEARCH_TOMBSTONE_PURGE_INTERVAL_S', 3600, { min: 1, max: 7 * 24 * 3600 }) * 1000,
    },
    logLevel: readChoice(env, 'LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    autoStartLocalStack: readBoolean(env, 'AUTO_START_STACK', true),
    demoDataSize: readInteger(env, 'DEMO_DATA_SIZE', 2000, { min: 0, max: 10_000_000 }),
    auth: readAuthConfig(env),
  };
}

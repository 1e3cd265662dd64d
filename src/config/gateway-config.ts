import { GatewayError } from '../errors.js';
import type { Env } from './env-readers.js';
import { readBoolean, readChoice, readHostPortList, readInteger, readPort, readString, readUrl } from './env-readers.js';

/**
 * The gateway's whole configuration, read once from the environment. This module and
 * stack-config.ts are the only readers of process.env (callers pass it in).
 */
export interface GatewayConfig {
  readonly mode: 'development' | 'production';
  readonly http: { readonly host: string; readonly port: number };
  readonly mysql: {
    readonly url: string;
    /** The application's own writer account: used by migrations, the demo seeder and tests, never by the API. */
    readonly writerUrl: string;
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
  };
  readonly redis: { readonly url: string; readonly commandTimeoutMs: number; readonly keyPrefix: string };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    /** Topics the consumer reads: a regular expression over topic names. */
    readonly topicPattern: string;
    readonly format: 'auto' | 'debezium' | 'canal' | 'ticdc' | 'maxwell';
    readonly deadLetterTopic: string;
  };
  readonly elasticsearch: { readonly url: string; readonly indexPrefix: string; readonly requestTimeoutMs: number };
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
  const mysqlPort = readPort(env, 'MYSQL_PORT', 3306);
  const redisPort = readPort(env, 'REDIS_PORT', 6379);
  const kafkaPort = readPort(env, 'KAFKA_PORT', 9092);
  const esPort = readPort(env, 'ELASTICSEARCH_PORT', 9200);
  return {
    mode: readChoice(env, 'NODE_ENV', ['development', 'production'] as const, 'development'),
    http: { host: readString(env, 'HOST', '127.0.0.1'), port: readPort(env, 'PORT', 4000) },
    mysql: {
      url: readUrl(env, 'MYSQL_URL', `mysql://gateway:gateway@127.0.0.1:${mysqlPort}/shop`, ['mysql:']),
      writerUrl: readUrl(env, 'MYSQL_WRITER_URL', `mysql://shop:shop@127.0.0.1:${mysqlPort}/shop`, ['mysql:']),
      poolSize: readInteger(env, 'MYSQL_POOL_SIZE', 10, { min: 1, max: 1000 }),
      connectTimeoutMs: readInteger(env, 'MYSQL_CONNECT_TIMEOUT_MS', 3000, { min: 100, max: 120_000 }),
    },
    redis: {
      url: readUrl(env, 'REDIS_URL', `redis://127.0.0.1:${redisPort}/0`, ['redis:', 'rediss:']),
      commandTimeoutMs: readInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 200, { min: 5, max: 60_000 }),
      keyPrefix: readString(env, 'REDIS_KEY_PREFIX', 'gw:'),
    },
    kafka: {
      brokers: readHostPortList(env, 'KAFKA_BROKERS', `127.0.0.1:${kafkaPort}`),
      clientId: readString(env, 'KAFKA_CLIENT_ID', 'gateway'),
      groupId: readString(env, 'KAFKA_GROUP_ID', 'gateway-sync'),
      topicPattern: readString(env, 'CDC_TOPIC_PATTERN', '^shop\\.shop\\.[a-z_]+$'),
      format: readChoice(env, 'CDC_FORMAT', ['auto', 'debezium', 'canal', 'ticdc', 'maxwell'] as const, 'auto'),
      deadLetterTopic: readString(env, 'CDC_DEAD_LETTER_TOPIC', 'gateway.dead-letter'),
    },
    elasticsearch: {
      url: readUrl(env, 'ELASTICSEARCH_URL', `http://127.0.0.1:${esPort}`, ['http:', 'https:']),
      indexPrefix: readString(env, 'ELASTICSEARCH_INDEX_PREFIX', 'gw-'),
      requestTimeoutMs: readInteger(env, 'ELASTICSEARCH_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    },
    logLevel: readChoice(env, 'LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    autoStartLocalStack: readBoolean(env, 'AUTO_START_STACK', true),
    demoDataSize: readInteger(env, 'DEMO_DATA_SIZE', 2000, { min: 0, max: 10_000_000 }),
    auth: { apiKeys: readApiKeys(env), anonymousAccess: readBoolean(env, 'ANONYMOUS_ACCESS', true) },
  };
}

import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.js';
import type { Env } from './env-readers.js';
import { readBoolean, readChoice, readString } from './env-readers.js';

/** TLS towards one dependency. `ca` is the PEM text of KAFKA_TLS_CA_FILE and friends (null: the system's CAs). */
export interface TlsSettings {
  readonly enabled: boolean;
  readonly ca: string | null;
  /** Off only for a test broker with a self-signed certificate; never in production. */
  readonly rejectUnauthorized: boolean;
}

export interface KafkaSasl {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaSecurity {
  /** null: no SASL (a PLAINTEXT or TLS-only listener). */
  readonly sasl: KafkaSasl | null;
  readonly tls: TlsSettings;
}

export interface RedisSecurity {
  /** REDIS_USERNAME / REDIS_PASSWORD: ACL user and password, for a single server or every Cluster node. */
  readonly username: string | null;
  readonly password: string | null;
  readonly tls: TlsSettings;
}

const invalid = (variable: string, message: string) =>
  new GatewayError('CONFIG_INVALID', `${variable} ${message}`, { details: { variable } });

function readCaFile(env: Env, variable: string): string | null {
  const path = readString(env, variable, '');
  if (path === '') return null;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(variable, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw invalid(variable, `(${path}) holds no PEM certificate`);
  return pem;
}

/** `${prefix}_TLS`, `${prefix}_TLS_CA_FILE`, `${prefix}_TLS_REJECT_UNAUTHORIZED`; a CA file implies TLS. */
export function readTls(env: Env, prefix: string, enabledByDefault = false): TlsSettings {
  const ca = readCaFile(env, `${prefix}_TLS_CA_FILE`);
  return {
    enabled: readBoolean(env, `${prefix}_TLS`, enabledByDefault || ca !== null),
    ca,
    rejectUnauthorized: readBoolean(env, `${prefix}_TLS_REJECT_UNAUTHORIZED`, true),
  };
}

export function readKafkaSecurity(env: Env): KafkaSecurity {
  const mechanism = readChoice(env, 'KAFKA_SASL_MECHANISM', ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, 'none');
  const tls = readTls(env, 'KAFKA');
  if (mechanism === 'none') {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']) {
      if (readString(env, variable, '') !== '')
        throw invalid(variable, 'is set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)');
    }
    return { sasl: null, tls };
  }
  const username = readString(env, 'KAFKA_SASL_USERNAME', '');
  const password = readString(env, 'KAFKA_SASL_PASSWORD', '');
  if (username === '') throw invalid('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (password === '') throw invalid('KAFKA_SASL_PASSWORD', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  // PLAIN sends the password as it is: only over TLS, or on a loopback listener.
  return { sasl: { mechanism, username, password }, tls };
}

export function readRedisSecurity(env: Env, url: string): RedisSecurity {
  const optional = (name: string) => {
    const value = readString(env, name, '');
    return value === '' ? null : value;
  };
  const username = optional('REDIS_USERNAME');
  const password = optional('REDIS_PASSWORD');
  if (username !== null && password === null) throw invalid('REDIS_USERNAME', 'needs REDIS_PASSWORD');
  return { username, password, tls: readTls(env, 'REDIS', url.startsWith('rediss:')) };
}

import mysql from 'mysql2/promise';
import type { Pool, SslOptions } from 'mysql2/promise';
import type { TlsSettings } from '../config/transport-config.js';

export interface MysqlPoolOptions {
  readonly url: string;
  readonly poolSize: number;
  /** Upper bound for establishing a connection, so a database that is down fails fast. */
  readonly connectTimeoutMs?: number;
  /** MYSQL_TLS*: absent or disabled, the connection is plain (the local stack). */
  readonly tls?: TlsSettings;
}

function sslOptions(tls: TlsSettings | undefined): { ssl?: SslOptions } {
  if (tls === undefined || !tls.enabled) return {};
  return { ssl: { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca === null ? {} : { ca: tls.ca }) } };
}

/**
 * The one way the gateway opens MySQL/MariaDB/TiDB connections. Sessions run in UTC and dates come
 * back as strings so that no value passes through a JS Date in the server's local time zone;
 * DECIMAL and BIGINT come back as strings so nothing passes through a binary float.
 */
export function createMysqlPool(options: MysqlPoolOptions): Pool {
  const pool = mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    waitForConnections: true,
    queueLimit: 0,
    enableKeepAlive: true,
    timezone: 'Z',
    dateStrings: true,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4_unicode_ci',
    multipleStatements: false,
    ...sslOptions(options.tls),
  });
  // mysql2's `timezone` only affects JS Date conversion; TIMESTAMP columns are rendered by the
  // server in the session time zone, so every pooled connection is pinned to UTC.
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  return pool;
}

import { GatewayError } from '../errors.js';

/** mysql2 error codes that mean "the database is unreachable or overloaded", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'POOL_CLOSED',
]);

export function toDatabaseError(error: unknown, what: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('ER_ACCESS_DENIED'))) {
    return new GatewayError('DATABASE_UNAVAILABLE', `database unavailable while ${what}`, { cause: error, details: { code } });
  }
  return new GatewayError('INTERNAL', `database error while ${what}`, { cause: error });
}

import type { DestinationStream } from 'pino';
import { pino } from 'pino';
import { currentRequestScope } from './request-scope.js';

/**
 * Structured JSON logs. The narrow interface keeps pino out of the rest of the code; fields such as
 * `topic, partition, offset` go in the first argument. Lines written while a request is served carry
 * its `requestId` without the caller passing it.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Credentials and personal data must never reach a log line, whatever object is logged: the
 * gateway never logs variables or rows on purpose, and these paths catch the accidents.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*["x-api-key"]',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'email',
  '*.email',
  'variables',
  '*.variables',
];

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly name?: string;
  /** Where lines go; standard output when absent (tests pass a stream to read them back). */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    name: options.name ?? 'gateway',
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => {
      const scope = currentRequestScope();
      return scope === undefined ? {} : { requestId: scope.requestId };
    },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

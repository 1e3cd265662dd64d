import type { DestinationStream } from 'pino';
import { destination as fileDestination, pino } from 'pino';

/**
 * Structured JSON logs. The narrow interface keeps pino out of the rest of the code; fields such as
 * `topic, partition, offset` go in the first argument. Code serving a request logs through the
 * request's child logger (`RequestContext.scope.logger`), which carries its `requestId`.
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

/** Loggers made by createLogger → their sibling without redaction (see fixedFieldLogger). */
const unredactedSiblings = new WeakMap<Logger, Logger>();

export function createLogger(options: LoggerOptions): Logger {
  // One stream for both instances, so their lines keep their order. Like pino's default: stdout,
  // asynchronous, flushed at exit.
  const destination = options.destination ?? fileDestination(1);
  const settings = { level: options.level, name: options.name ?? 'gateway', base: undefined };
  const logger: Logger = pino({ ...settings, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
  unredactedSiblings.set(logger, pino(settings, destination));
  return logger;
}

/**
 * The same destination and level without the redaction paths, for lines whose fields are fixed by
 * the caller and can hold no secret (the access log: id, method, path, status, duration, operation
 * name). Redaction walks every line it is given, which the profile put at several percent of a
 * cache-hit request. A logger not made by createLogger is returned as it is.
 */
export function fixedFieldLogger(logger: Logger): Logger {
  return unredactedSiblings.get(logger) ?? logger;
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

import { pino } from 'pino';

/**
 * Structured JSON logs. The narrow interface keeps pino out of the rest of the code; fields such as
 * `topic, partition, offset` or `requestId` go in the first argument.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export function createLogger(options: { level: LogLevel; name?: string }): Logger {
  return pino({
    level: options.level,
    name: options.name ?? 'gateway',
    base: undefined,
    // Credentials must never reach a log line, whatever object is logged.
    redact: { paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

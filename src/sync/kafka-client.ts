import { Kafka, logLevel } from 'kafkajs';
import type { LogEntry, logCreator } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Logger } from '../observability/logger.js';

export interface KafkaClientOptions {
  /** How long to wait for a TCP connection to a broker. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * The one place a Kafka client is built. kafkajs logs through the gateway's logger, never to the
 * console: its INFO chatter (group joins, fetch loops) goes to debug, its warnings and errors stay
 * what they are. Retries are kafkajs' own, bounded so a dead broker surfaces as an error within
 * about a minute instead of hanging start-up forever.
 */
export function createKafka(config: GatewayConfig['kafka'], logger: Logger, options: KafkaClientOptions = {}): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 },
    logLevel: logLevel.INFO,
    logCreator: kafkaLogBridge(logger.child({ component: 'kafkajs' })),
  });
}

export function kafkaLogBridge(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { namespace, ...extra };
      const text = typeof message === 'string' ? message : String(message);
      if (level === logLevel.ERROR) logger.error(fields, text);
      else if (level === logLevel.WARN) logger.warn(fields, text);
      else logger.debug(fields, text);
    };
}

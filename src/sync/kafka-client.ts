import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, LogEntry, logCreator } from 'kafkajs';
import type { KafkaSecurity } from '../config/transport-config.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Logger } from '../observability/logger.js';

export interface KafkaClientOptions {
  /** How long to wait for a TCP connection to a broker. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Retries of a failed connection or request (8 by default: about a minute). */
  readonly retries?: number;
}

/** kafkajs' TLS and SASL settings from the config (KAFKA_TLS*, KAFKA_SASL_*). */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { tls, sasl } = security;
  const ssl = tls.enabled ? { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca === null ? {} : { ca: [tls.ca] }) } : false;
  if (sasl === null) return { ssl };
  const credentials = { username: sasl.username, password: sasl.password };
  const mechanism =
    sasl.mechanism === 'plain'
      ? { mechanism: 'plain' as const, ...credentials }
      : sasl.mechanism === 'scram-sha-256'
        ? { mechanism: 'scram-sha-256' as const, ...credentials }
        : { mechanism: 'scram-sha-512' as const, ...credentials };
  return { ssl, sasl: mechanism };
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
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: options.retries ?? 8 },
    ...kafkaSecurityOptions(config),
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

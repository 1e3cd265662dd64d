import type { GatewayConfig } from '../config/gateway-config.js';
import { redactUrl } from '../config/env-readers.js';
import { GatewayError, errorMessage } from '../errors.js';
import type { GatewayServices } from './gateway-services.js';
import { waitForRedis } from '../cache/redis-client.js';
import { ensureIndices } from '../index/index-manager.js';
import type { Logger } from '../observability/logger.js';
import { createKafka } from '../sync/kafka-client.js';

function unreachable(variable: string, value: string, error: unknown): GatewayError {
  return new GatewayError('CONFIG_INVALID', `${variable}=${redactUrl(value)} is unreachable: ${errorMessage(error)}`, {
    details: { variable },
  });
}

/**
 * Fails start-up fast, naming the variable, when a configured dependency cannot be reached: a typo
 * in a host name should not turn into a gateway that answers every request with an error.
 */
export async function checkDependencies(config: GatewayConfig, services: GatewayServices, timeoutMs = 5_000): Promise<void> {
  try {
    await services.pool.query('SELECT 1');
  } catch (error) {
    throw unreachable('MYSQL_URL', config.mysql.url, (error as { code?: string }).code ?? error);
  }
  try {
    await waitForRedis(services.redis, timeoutMs);
  } catch (error) {
    throw config.redis.clusterNodes.length > 0
      ? unreachable('REDIS_CLUSTER_NODES', config.redis.clusterNodes.join(','), error)
      : unreachable('REDIS_URL', config.redis.url, error);
  }
  try {
    // cluster health rather than ping: HEAD / answers 405 on some builds.
    await services.search.cluster.health({}, { requestTimeout: timeoutMs, maxRetries: 0 });
  } catch (error) {
    throw unreachable('ELASTICSEARCH_URL', config.elasticsearch.url, error);
  }
}

/** Creates each searchable entity's index and alias when missing (idempotent, safe to race). */
export async function ensureSearchIndices(services: GatewayServices): Promise<void> {
  const { indexPrefix, refreshInterval } = services.config.elasticsearch;
  await ensureIndices({
    client: services.search,
    registry: services.registry,
    indexPrefix,
    logger: services.logger,
    layout: { settings: { refresh_interval: refreshInterval } },
  });
}

/**
 * Connects to Kafka once with the configured TLS and SASL settings: wrong credentials fail start-up
 * at once, naming the variable, instead of a consumer retrying authentication for a minute.
 */
export async function checkKafka(config: GatewayConfig, logger: Logger, timeoutMs = 5_000): Promise<void> {
  const admin = createKafka(config.kafka, logger, { connectionTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, retries: 1 }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    const { sasl } = config.kafka;
    // By name: kafkajs is CommonJS and its error classes are not named exports under ESM.
    if (sasl !== null && error instanceof Error && error.name === 'KafkaJSSASLAuthenticationError') {
      throw new GatewayError(
        'CONFIG_INVALID',
        `KAFKA_SASL_PASSWORD (user ${sasl.username}, ${sasl.mechanism}) was rejected by the broker: ${errorMessage(error)}`,
        {
          details: { variable: 'KAFKA_SASL_PASSWORD' },
        },
      );
    }
    throw unreachable('KAFKA_BROKERS', config.kafka.brokers.join(','), error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

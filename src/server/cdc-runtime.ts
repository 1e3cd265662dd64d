import type { CdcConsumer } from '../sync/cdc-consumer.js';
import { createCdcConsumer } from '../sync/cdc-consumer.js';
import { createKafka } from '../sync/kafka-client.js';
import { createRedisApplier } from '../sync/redis-applier.js';
import type { StoreApplier } from '../sync/store-applier.js';
import type { GatewayServices } from './gateway-services.js';

/** The CDC consumer over the gateway's own clients, applying to every store the gateway serves from. */
export function createCdcRuntime(services: GatewayServices, extraAppliers: readonly StoreApplier[] = []): CdcConsumer {
  const { config, cache, redis, rows, metrics, logger, registry } = services;
  return createCdcConsumer({
    kafka: createKafka(config.kafka, logger),
    config: config.kafka,
    registry,
    appliers: [createRedisApplier({ cache, redis, keyPrefix: config.redis.keyPrefix }), ...extraAppliers],
    rows,
    metrics,
    logger,
  });
}

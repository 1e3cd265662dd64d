import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { createShopRegistry } from '../schema/shop-entities.js';
import { createCdcRuntime } from '../server/cdc-runtime.js';
import { createGatewayServices } from '../server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../server/startup-checks.js';

const usage = `Usage: npm run sync

Runs only the CDC consumer: reads the topics matching CDC_TOPIC_PATTERN (format CDC_FORMAT) from
KAFKA_BROKERS and keeps Redis current. Stops cleanly on SIGTERM/SIGINT (the batch in progress is
finished or left uncommitted, never half-committed).`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'gateway-sync' });
  const services = createGatewayServices(config, logger, createShopRegistry());
  await checkDependencies(config, services);
  await ensureSearchIndices(services);
  const consumer = createCdcRuntime(services);
  await consumer.start();
  logger.info({ topics: config.kafka.topicPattern, group: config.kafka.groupId }, 'cdc consumer started');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping cdc consumer');
    consumer
      .stop()
      .then(() => services.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`sync failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

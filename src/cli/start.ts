import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { buildShopSchema } from '../resolvers/build-schema.js';
import { createShopRegistry } from '../schema/shop-entities.js';
import { createCdcRuntime } from '../server/cdc-runtime.js';
import { startGatewayApi } from '../server/gateway-api.js';
import { createGatewayServices } from '../server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../server/startup-checks.js';
import { bringUpLocalStack, seedDemoDataIfEmpty, usesLocalStack } from './local-stack.js';

const usage = `Usage: npm start [-- --no-stack] [--api-only | --sync-only]

Starts the gateway: the GraphQL API on HOST:PORT (default http://127.0.0.1:4000/graphql) and the
CDC consumer that keeps the cache current.
When MYSQL_URL, REDIS_URL, KAFKA_BROKERS and ELASTICSEARCH_URL are the local stack's defaults, the
stack is brought up first (npm run stack -- up) and demo data is loaded into an empty database.

  --no-stack   never start the local stack
  --api-only   serve the API without the CDC consumer
  --sync-only  run only the CDC consumer (same as npm run sync)
  --help       this text
Configuration: environment variables, see README.md.`;

const sampleQuery = `{ product(id: 1) { id name price category { name } } }`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const say = (line: string) => console.error(line);
  if (config.autoStartLocalStack && !argv.includes('--no-stack') && usesLocalStack(config, process.env)) {
    await bringUpLocalStack(process.env, say);
    await seedDemoDataIfEmpty(config, config.demoDataSize, say);
  }
  const services = createGatewayServices(config, logger, createShopRegistry());
  await checkDependencies(config, services);
  await ensureSearchIndices(services);
  const consumer = argv.includes('--api-only') ? null : createCdcRuntime(services);
  await consumer?.start();
  if (argv.includes('--sync-only')) {
    say('CDC consumer running (no API: --sync-only)');
  }
  const schema = await buildShopSchema();
  const api = argv.includes('--sync-only') ? null : await startGatewayApi(schema, services, { host: config.http.host, port: config.http.port });
  if (api !== null) logger.info({ url: api.url }, 'gateway listening');
  if (api !== null) say(`\nGraphQL API: ${api.url}\nTry:\n  curl -s ${api.url} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: sampleQuery })}'\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 15_000);
    forced.unref();
    Promise.resolve(api?.stop())
      .then(() => consumer?.stop())
      .then(() => services.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: errorMessage(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`gateway failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

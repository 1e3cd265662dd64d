import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { exitOnSignals, startGatewayProcess } from '../server/gateway-process.js';
import { loadServedSchema } from '../schema/schema-catalogue.js';
import { bringUpLocalStack, seedDemoDataIfEmpty, usesLocalStack } from './local-stack.js';

const usage = `Usage: npm start [-- --no-stack] [--api-only | --sync-only] [--schema <name>]

Starts the gateway: the GraphQL API and the demo search page on HOST:PORT (default
http://127.0.0.1:4000/), and the CDC consumer that keeps Redis and Elasticsearch current.
When MYSQL_URL, REDIS_URL, KAFKA_BROKERS and ELASTICSEARCH_URL are the local stack's defaults, the
stack is brought up first (npm run stack -- up) and demo data is loaded into an empty database.

  --no-stack   never start the local stack
  --api-only   serve the API without the CDC consumer (scale readers separately)
  --sync-only  run only the CDC consumer; HOST:PORT then serves /healthz, /readyz and /metrics
  --schema     the entity schema to serve: shop (default) or library (as GATEWAY_SCHEMA does)
  --help       this text

Also on HOST:PORT: /healthz (alive), /readyz (dependencies and consumer), /metrics (Prometheus).
SIGTERM drains requests and the current CDC batch, then exits within SHUTDOWN_TIMEOUT_MS.
Configuration: environment variables, see README.md.`;

const sampleQueries: Readonly<Record<string, string>> = {
  shop: `{ product(id: 1) { id name price category { name } } }`,
  library: `{ member(id: "9007199254740993") { displayName loans { nodes { dueOn book { title author { name } } } } } }`,
};

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const schemaAt = argv.indexOf('--schema');
  const schemaName = schemaAt === -1 ? undefined : argv[schemaAt + 1];
  if (schemaAt !== -1 && (schemaName === undefined || schemaName.startsWith('--'))) throw new Error(`--schema needs a name\n\n${usage}`);
  const flags = argv.filter((_, index) => schemaAt === -1 || (index !== schemaAt && index !== schemaAt + 1));
  const unknown = flags.filter((arg) => !['--no-stack', '--api-only', '--sync-only'].includes(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n\n${usage}`);
  const apiOnly = argv.includes('--api-only');
  const syncOnly = argv.includes('--sync-only');
  if (apiOnly && syncOnly) throw new Error('--api-only and --sync-only exclude each other');
  const config = loadGatewayConfig(schemaName === undefined ? process.env : { ...process.env, GATEWAY_SCHEMA: schemaName });
  const logger = createLogger({ level: config.logLevel });
  const say = (line: string) => console.error(line);
  if (config.autoStartLocalStack && !argv.includes('--no-stack') && usesLocalStack(config, process.env)) {
    await bringUpLocalStack(process.env, say);
    await seedDemoDataIfEmpty(config, config.demoDataSize, say);
  }
  await loadServedSchema(config.schema);
  const running = await startGatewayProcess(config, logger, { graphql: !syncOnly, consumer: !apiOnly });
  exitOnSignals(running, logger, config.shutdownTimeoutMs);
  if (syncOnly) {
    say(`CDC consumer running (no API: --sync-only); readiness at ${running.url}`);
    return;
  }
  const page = running.url.replace(/\/graphql$/, '/');
  say(
    `\nSearch page: ${page}\nGraphQL API: ${running.url}\nTry:\n  curl -s ${running.url} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: sampleQueries[config.schema] ?? '{ __typename }' })}'\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`gateway failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { exitOnSignals, startGatewayProcess } from '../server/gateway-process.js';

const usage = `Usage: npm run sync

Runs only the CDC consumer (same as npm start -- --sync-only --no-stack): reads the topics matching
CDC_TOPIC_PATTERN (format CDC_FORMAT) from KAFKA_BROKERS and keeps Redis and Elasticsearch current.
HOST:PORT serves /healthz, /readyz and /metrics (set PORT when an API process runs on the same host).
SIGTERM/SIGINT finish and commit the batch being applied (a batch still retrying a failing store is
left uncommitted, never half-committed) and exit within SHUTDOWN_TIMEOUT_MS.`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  if (argv.length > 0) throw new Error(`unknown option ${argv.join(' ')}\n\n${usage}`);
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'gateway-sync' });
  const running = await startGatewayProcess(config, logger, { graphql: false, consumer: true });
  exitOnSignals(running, logger, config.shutdownTimeoutMs);
  logger.info({ topics: config.kafka.topicPattern, group: config.kafka.groupId, readiness: running.url }, 'cdc consumer started');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`sync failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

import type { GatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { buildGatewaySchema } from '../resolvers/build-schema.js';
import { createRegistryOf, loadServedSchema } from '../schema/schema-catalogue.js';
import type { CdcConsumer } from '../sync/cdc-consumer.js';
import { createCdcRuntime } from './cdc-runtime.js';
import type { GatewayApi } from './gateway-api.js';
import { startGatewayApi } from './gateway-api.js';
import { createGatewayServices } from './gateway-services.js';
import { entitiesNeedingBackfill, reindexDependencies, reindexEntities } from '../reindex/backfill.js';
import { checkDependencies, checkKafka, ensureSearchIndices } from './startup-checks.js';

export interface GatewayProcessOptions {
  /** Serve GraphQL and the search page (otherwise only /healthz, /readyz and /metrics). */
  readonly graphql: boolean;
  /** Run the CDC consumer in this process. */
  readonly consumer: boolean;
}

export interface RunningGateway {
  /** The GraphQL URL, or the ops URL of a consumer-only process. */
  readonly url: string;
  /** Resolves once the process may exit: see `shutdownGateway`. */
  shutdown(signal: string): Promise<void>;
}

/**
 * One gateway process: the clients, the start-up checks, the consumer and the HTTP side, in the
 * order that makes a half-started process impossible to mistake for a ready one (readiness stays
 * red until the consumer has joined).
 */
export async function startGatewayProcess(config: GatewayConfig, logger: Logger, options: GatewayProcessOptions): Promise<RunningGateway> {
  const served = await loadServedSchema(config.schema);
  const services = createGatewayServices(config, logger, createRegistryOf(served));
  let consumer: CdcConsumer | null = null;
  let api: GatewayApi | null = null;
  try {
    await checkDependencies(config, services);
    if (options.consumer) await checkKafka(config, logger);
    await ensureSearchIndices(services);
    // Only a consumer process backfills: it is the one whose writes the reindex catches up with.
    // "Empty" is judged before the consumer starts writing; the copy runs with the consumer live.
    const reindex = reindexDependencies(services);
    const backfill = options.consumer ? await entitiesNeedingBackfill(reindex) : [];
    consumer = options.consumer ? createCdcRuntime(services) : null;
    await consumer?.start();
    if (backfill.length > 0) {
      logger.info({ entities: backfill.map((entity) => entity.search.index) }, 'backfilling empty search indices from MySQL');
      await reindexEntities(reindex, backfill);
    }
    const schema = await buildGatewaySchema(served);
    const running = consumer;
    api = await startGatewayApi(schema, services, {
      host: config.http.host,
      port: config.http.port,
      graphql: options.graphql,
      ...(running === null ? {} : { consumerStatus: () => running.status() }),
    });
  } catch (error) {
    await consumer?.stop().catch(() => undefined);
    await services.close().catch(() => undefined);
    throw error;
  }
  const started = { api, consumer };
  logger.info({ url: api.url, graphql: options.graphql, consumer: options.consumer }, 'gateway listening');
  return {
    url: options.graphql ? api.url : api.url.replace(/\/graphql$/, '/readyz'),
    shutdown: (signal) => shutdownGateway(started, () => services.close(), logger, signal, config.shutdownTimeoutMs),
  };
}

/**
 * SIGTERM: readiness goes red and new connections are refused at once; in-flight requests finish;
 * the consumer finishes the chunk it is applying, commits it and leaves the group (a chunk still
 * waiting on a failing store is left uncommitted, to be replayed); then every client is closed.
 * Requests and the consumer stop side by side, so the whole takes as long as the slower of the two.
 */
async function shutdownGateway(
  started: { api: GatewayApi; consumer: CdcConsumer | null },
  closeClients: () => Promise<void>,
  logger: Logger,
  signal: string,
  timeoutMs: number,
): Promise<void> {
  logger.info({ signal, timeoutMs }, 'shutting down');
  const began = Date.now();
  const stopConsumer = async () => {
    if (started.consumer === null) return;
    await started.consumer.stop();
    const applied = started.consumer
      .status()
      .partitions.map(({ topic, partition, lastAppliedOffset }) => ({ topic, partition, lastAppliedOffset }));
    logger.info({ partitions: applied }, 'consumer stopped; applied offsets committed');
  };
  // Requests get most of the bound; what remains covers closing the clients.
  const results = await Promise.allSettled([started.api.stop(Math.floor(timeoutMs * 0.7)), stopConsumer()]);
  for (const result of results) {
    if (result.status === 'rejected') logger.error({ err: errorMessage(result.reason) }, 'shutdown step failed');
  }
  await closeClients();
  logger.info({ durationMs: Date.now() - began }, 'shut down');
  if (results.some((result) => result.status === 'rejected')) throw new Error('shutdown incomplete');
}

/**
 * Wires SIGTERM/SIGINT to `shutdown` with a hard bound: whatever is still open after
 * SHUTDOWN_TIMEOUT_MS, the process exits (non-zero, so an orchestrator can tell).
 */
export function exitOnSignals(running: RunningGateway, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    running.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: errorMessage(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

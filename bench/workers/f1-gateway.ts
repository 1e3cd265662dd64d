import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { buildShopSchema } from '../../src/resolvers/build-schema.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import { createCdcRuntime } from '../../src/server/cdc-runtime.js';
import type { GatewayApi } from '../../src/server/gateway-api.js';
import { startGatewayApi } from '../../src/server/gateway-api.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../../src/server/startup-checks.js';
import type { CdcConsumer, ConsumerTrace } from '../../src/sync/cdc-consumer.js';
import type { PreparedChunk } from '../../src/sync/prepare-chunk.js';
import { processUsage, runChild, serveParent } from '../child-channel.js';

/**
 * F1's gateway, wired as `npm start` wires it, in one of the product's process layouts:
 *   --api                  serves GraphQL (`npm start -- --api-only`)
 *   --consumer <first:last> runs the CDC consumer (`--sync-only`), tracing the products rows with
 *                          ids in [first, last] through its stages (fetched, prepared, applied per store)
 * Both flags: API and consumer in one process. Every process samples its own event-loop delay, so
 * F1 can tell a busy event loop from a slow pipeline.
 */
export interface F1GatewayReady {
  /** GraphQL URL; null in a consumer-only process. */
  readonly url: string | null;
}

/** Where one traced row change was, epoch ms; a store is null until it applied the change. */
export interface RowStages {
  readonly stock: number;
  readonly fetchedAtMs: number;
  readonly preparedAtMs: number;
  redisAtMs: number | null;
  elasticsearchAtMs: number | null;
}

export interface EventLoopFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** CPU time (all threads) over the window, as a share of one core. */
  readonly cpuPercent: number;
}

/** Records the watched rows' stage times; a chunk's changes are matched to its applies by identity. */
function rowTracer(first: number, last: number): { trace: ConsumerTrace; stagesOf(id: number, stock: number): RowStages | null } {
  const byId = new Map<number, RowStages[]>();
  const byChunk = new WeakMap<PreparedChunk, RowStages[]>();
  const trace: ConsumerTrace = {
    prepared(chunk, fetchedAtMs, preparedAtMs) {
      const traced: RowStages[] = [];
      for (const { entity, change, id } of chunk.batch.changes) {
        const numericId = Number(id);
        const stock = change.after?.['stock'];
        if (entity.table !== 'products' || numericId < first || numericId > last || typeof stock !== 'number') continue;
        const stages: RowStages = { stock, fetchedAtMs, preparedAtMs, redisAtMs: null, elasticsearchAtMs: null };
        traced.push(stages);
        const list = byId.get(numericId) ?? [];
        list.push(stages);
        byId.set(numericId, list);
      }
      if (traced.length > 0) byChunk.set(chunk, traced);
    },
    applied(store, chunks, atMs) {
      for (const chunk of chunks) {
        for (const stages of byChunk.get(chunk) ?? []) {
          if (store === 'redis') stages.redisAtMs ??= atMs;
          else stages.elasticsearchAtMs ??= atMs;
        }
      }
    },
  };
  // A commit collapsed into a later change of its row (same chunk) arrives with that change.
  const stagesOf = (id: number, stock: number) => byId.get(id)?.find((stages) => stages.stock >= stock) ?? null;
  return { trace, stagesOf };
}

function eventLoopWindow() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let cpuAtStart = processUsage().cpuSeconds;
  let startedAt = performance.now();
  return {
    reset() {
      histogram.reset();
      cpuAtStart = processUsage().cpuSeconds;
      startedAt = performance.now();
    },
    figures(): EventLoopFigures {
      const ms = (ns: number) => ns / 1e6;
      const seconds = (performance.now() - startedAt) / 1000;
      return {
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        meanMs: ms(histogram.mean),
        cpuPercent: seconds > 0 ? (100 * (processUsage().cpuSeconds - cpuAtStart)) / seconds : 0,
      };
    },
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const serveApi = argv.includes('--api');
  const consumerAt = argv.indexOf('--consumer');
  const [first, last] = consumerAt === -1 ? [0, -1] : (argv[consumerAt + 1] ?? '').split(':').map(Number);
  if (!serveApi && consumerAt === -1) throw new Error('f1-gateway: give --api, --consumer <first:last> or both');
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'bench-f1' });
  const services = createGatewayServices(config, logger, createShopRegistry());
  await checkDependencies(config, services);
  const loop = eventLoopWindow();
  let consumer: CdcConsumer | null = null;
  const tracer = rowTracer(first ?? 0, last ?? -1);
  if (consumerAt !== -1) {
    await ensureSearchIndices(services);
    consumer = createCdcRuntime(services, [], tracer.trace);
    await consumer.start();
  }
  let api: GatewayApi | null = null;
  if (serveApi) api = await startGatewayApi(await buildShopSchema(), services, { host: '127.0.0.1', port: 0, batching: true });
  const ready: F1GatewayReady = { url: api?.url ?? null };
  serveParent(
    ready,
    {
      consumer: () => consumer?.status() ?? null,
      /** The consumer's counters (retries, stale changes…): a retried apply is latency the stages show. */
      counters: () => ({
        ...services.metrics.snapshot(),
        ...Object.fromEntries([...services.metrics.detailed()].filter(([name]) => /^cdc_(retries|stale_changes)\{/.test(name))),
      }),
      resetWindow: () => loop.reset(),
      window: () => loop.figures(),
      stages: (args) => (args as { id: number; stock: number }[]).map(({ id, stock }) => tracer.stagesOf(id, stock)),
      /** Monotonic µs, the clock V8's CPU profiles are stamped with. */
      clock: () => Number(process.hrtime.bigint() / 1000n),
    },
    async () => {
      await api?.stop();
      await consumer?.stop();
      await services.close();
    },
  );
}

runChild(() => main(process.argv.slice(2)));

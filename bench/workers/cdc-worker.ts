import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import { createSearchApplier } from '../../src/sync/appliers/elasticsearch/search-applier.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../../src/server/startup-checks.js';
import type { CdcConsumerTuning } from '../../src/sync/consumer-tuning.js';
import { createCdcConsumer } from '../../src/sync/cdc-consumer.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import { createRedisApplier } from '../../src/sync/appliers/redis.js';
import type { StoreApplier } from '../../src/sync/store-applier.js';
import { runChild, serveParent } from '../child-channel.js';
import type { RawBulkRequest } from './raw-bulk.js';
import { runRawBulk } from './raw-bulk.js';

/**
 * One C1 consumer in a process of its own: the gateway's real consumer, decoders and appliers
 * (Redis + Elasticsearch, as createCdcRuntime wires them), with the tuning under test, reading the
 * pre-filled topic from the beginning into empty stores (its own key and index prefix).
 * Configured from the environment (CDC_TOPIC_PATTERN, KAFKA_GROUP_ID, prefixes); `run` consumes
 * until `expected` messages are applied or `maxSeconds` passed since the first apply began.
 */
export interface CdcRunRequest {
  readonly tuning: Partial<CdcConsumerTuning>;
  /** The stores (lanes) this consumer applies to; all of the gateway's when absent. */
  readonly stores?: readonly StoreApplier['store'][];
  readonly expected: number;
  readonly maxSeconds: number;
}

export interface CdcRunResult {
  /** Messages whose changes every store acknowledged (offsets applied, from 0). */
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  /** Row changes the stores applied after in-chunk collapsing. */
  readonly changesApplied: number;
  readonly applyCalls: number;
  /** Time spent inside each store's apply, summed over calls (calls of different partitions overlap). */
  readonly storeSeconds: Readonly<Record<string, number>>;
  readonly cpuSeconds: number;
  readonly cpuMsPerMessage: number;
  readonly drained: boolean;
  /** Monotonic µs (the clock V8's CPU profiles are stamped with) at the first apply and at the end. */
  readonly window: { readonly fromUs: number; readonly toUs: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'bench-cdc' });
  const registry = createShopRegistry();
  const services = createGatewayServices(config, logger, registry);
  await checkDependencies(config, services);
  await ensureSearchIndices(services);
  const { cache, redis, rows, metrics, search } = services;

  let firstApplyAt: number | null = null;
  let cpuAtFirstApply = 0;
  let firstApplyUs = 0;
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  let applyCalls = 0;
  const storeSeconds: Record<string, number> = {};
  /** Apply calls are counted in one store's lane: the first the run applies to. */
  let countedStore: StoreApplier['store'] = 'redis';
  const timed = (applier: StoreApplier): StoreApplier => ({
    ...applier,
    apply: async (batch) => {
      if (firstApplyAt === null) {
        firstApplyAt = Date.now();
        firstApplyUs = monotonicUs();
        const cpu = process.cpuUsage();
        cpuAtFirstApply = (cpu.user + cpu.system) / 1e6;
      }
      if (applier.store === countedStore) applyCalls += 1;
      const began = performance.now();
      try {
        return await applier.apply(batch);
      } finally {
        storeSeconds[applier.store] = (storeSeconds[applier.store] ?? 0) + (performance.now() - began) / 1000;
      }
    },
  });

  const run = async (request: CdcRunRequest): Promise<CdcRunResult> => {
    countedStore = request.stores?.[0] ?? 'redis';
    const consumer = createCdcConsumer({
      kafka: createKafka(config.kafka, logger),
      config: config.kafka,
      registry,
      appliers: [
        createRedisApplier({ cache, redis, keyPrefix: config.redis.keyPrefix }),
        ...createSearchApplier({ client: search, rows, registry, indexPrefix: config.elasticsearch.indexPrefix, metrics, logger }).lanes,
      ]
        .filter((applier) => request.stores === undefined || request.stores.includes(applier.store))
        .map(timed),
      rows,
      metrics,
      logger,
      tuning: request.tuning,
    });
    await consumer.start();
    const appliedIn = (partitions: ReturnType<typeof consumer.status>['partitions']) =>
      partitions.reduce((sum, partition) => sum + (partition.lastAppliedOffset === null ? 0 : Number(partition.lastAppliedOffset) + 1), 0);
    const applied = () => appliedIn(consumer.status().partitions);
    const deadline = Date.now() + 300_000;
    for (;;) {
      await sleep(20);
      if (applied() >= request.expected) break;
      if (firstApplyAt !== null && Date.now() - firstApplyAt >= request.maxSeconds * 1000) break;
      if (Date.now() > deadline) throw new Error('the consumer applied nothing within 300 s');
    }
    const endUs = monotonicUs();
    const cpu = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6 - cpuAtFirstApply;
    const status = consumer.status();
    await consumer.stop();
    const messages = appliedIn(status.partitions);
    const lastAppliedAt = Math.max(...status.partitions.map((partition) => partition.lastAppliedAtMs ?? 0));
    const seconds = (lastAppliedAt - (firstApplyAt ?? lastAppliedAt)) / 1000;
    return {
      messages,
      seconds,
      messagesPerSecond: seconds > 0 ? messages / seconds : Number.NaN,
      changesApplied: services.metrics.snapshot().cdc_changes_applied,
      applyCalls,
      storeSeconds,
      cpuSeconds,
      cpuMsPerMessage: messages === 0 ? Number.NaN : (cpuSeconds * 1000) / messages,
      drained: messages >= request.expected,
      window: { fromUs: firstApplyUs, toUs: endUs },
    };
  };

  serveParent(
    {},
    {
      run: (args) => run(args as CdcRunRequest),
      rawBulk: (args) => runRawBulk(createKafka(config.kafka, logger), services.syncSearch(), rows, registry, args as RawBulkRequest),
    },
    () => services.close(),
  );
}

runChild(main);

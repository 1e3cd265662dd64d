import type { Pool } from 'mysql2/promise';
import { entryCacheKey } from '../../src/cache/cache-entry.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';
import { silentLogger } from '../../src/observability/logger.js';
import { productEntity } from '../../src/schema/product.type.js';
import { createElasticsearchClient } from '../../src/index/elasticsearch-client.js';
import { searchAlias } from '../../src/index/index-manager.js';
import type { ConsumerStatus } from '../../src/sync/cdc-consumer.js';
import type { ProfileSummary } from '../profile/cpu-profile.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import type { BenchContext } from '../bench-context.js';
import { benchScript } from '../bench-context.js';
import type { BenchChild } from '../child-process.js';
import { startChild } from '../child-process.js';
import { createJsonPoster } from '../http-post.js';
import { startGroupAtEnd } from '../kafka-groups.js';
import { connectRedis, deleteKeysWithPrefix } from '../redis-keys.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';
import { counterDeltas } from '../stats.js';
import type { EventLoopFigures } from '../workers/f1-gateway.js';
import type { WriterRequest, WriterResult, WriterSample } from '../workers/writer-worker.js';
import type { F1Gateways } from './bench-servers.js';
import { cachePrefix, startF1Gateways } from './bench-servers.js';
import type { ProcessProfile } from '../profile/profile-files.js';
import { startProcessProfile } from '../profile/profile-files.js';
import type { LatencyFigures, ProbeSample, StockLookup } from './freshness-probes.js';
import type { IndexActivity } from './elasticsearch-activity.js';
import { watchIndexActivity } from './elasticsearch-activity.js';
import type { MachineCpu } from './process-cpu.js';
import { watchMachineCpu } from './process-cpu.js';
import {
  createBatchedPoller,
  createLatencyRecorder,
  GRAPHQL_POLL_MS,
  kafkaArrivals,
  refreshIntervalMs,
  SEARCH_POLL_MS,
} from './freshness-probes.js';
import type { SampleJourney, StageFigures } from './freshness-stages.js';
import { stageBreakdown } from './freshness-stages.js';

/**
 * F1: a writer process commits ~500 rows/s to shop.products (rows of its own, far above any demo or
 * test id) while the real pipeline runs: MariaDB → Debezium → Kafka → a bench gateway's consumer
 * (own group starting at the topics' ends, own cache prefix and indices). For a sample of the
 * commits the bench times commit → the change in Kafka (Debezium's share), commit → the new value
 * answered through GraphQL, and commit → findable by a search in Elasticsearch, and follows each
 * sample through the consumer's stages.
 *
 * Topology: `split` (default) runs the consumer in its own process beside the API process, as the
 * README recommends for production (`--sync-only` + `--api-only`); `in-process` runs both in one
 * process (`npm start`'s default), as F1 did before.
 */
export type FreshnessTopology = 'split' | 'in-process';

export interface FreshnessOptions {
  readonly topology: FreshnessTopology;
  /** `node --cpu-prof` the consumer's process over the writer's window (costs it some CPU). */
  readonly profile: boolean;
  /** Where the profile's files go (`<stem>-f1-consumer.*`). */
  readonly outputStem: string;
}

/** F1's own flags (beside bench-options.ts): `--f1-topology split|in-process`, `--f1-profile`. */
export function parseFreshnessFlags(argv: readonly string[], outputStem: string): FreshnessOptions {
  const at = argv.indexOf('--f1-topology');
  const topology = at === -1 ? 'split' : argv[at + 1];
  if (topology !== 'split' && topology !== 'in-process')
    throw new Error(`--f1-topology takes split or in-process, got ${topology ?? 'nothing'}`);
  return { topology, profile: argv.includes('--f1-profile'), outputStem };
}

export interface ProcessWindow extends EventLoopFigures {
  /** What the process runs: "API", "consumer" or "API + consumer". */
  readonly role: string;
}

export interface FreshnessResults {
  readonly commitsPerSecond: number;
  readonly commits: number;
  readonly samples: number;
  readonly kafka: LatencyFigures;
  readonly graphql: LatencyFigures;
  readonly search: LatencyFigures;
  /** Every sample: commit time and its commit → Kafka / → searchable latencies (null: not seen); F3 fits trends to it. */
  readonly series?: readonly { readonly committedAtMs: number; readonly kafkaMs: number | null; readonly searchMs: number | null }[];
  /** The gateway's own share: the change's Kafka append (its record timestamp) → visible. */
  readonly gatewayGraphql?: LatencyFigures;
  readonly gatewaySearch?: LatencyFigures;
  readonly refreshIntervalMs: number;
  readonly topology?: FreshnessTopology;
  /** Each sample followed through the pipeline's stages. */
  readonly stages?: readonly StageFigures[];
  /** Event-loop delay and CPU of the gateway processes over the writer's window. */
  readonly processes?: readonly ProcessWindow[];
  /** Probe polls that failed (their samples can only be seen later). */
  readonly failedPolls?: number;
  readonly consumerProfile?: ProfileSummary | null;
  /** The consumer process's counters over the writer's window (cdc_retries, cdc_stale_changes…), non-zero ones. */
  readonly consumerCounters?: Readonly<Record<string, number>>;
  /** The product index's refreshes, indexing and merges over the writer's window. */
  readonly elasticsearch?: IndexActivity;
  /** Every process's CPU over the writer's window, by role. */
  readonly machineCpu?: MachineCpu;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POOL_ROWS = 1_000;

async function insertPoolRows(writer: Pool, ids: readonly number[]): Promise<void> {
  for (let from = 0; from < ids.length; from += 200) {
    const slice = ids.slice(from, from + 200);
    const values = slice.map(() => "(?, ?, ?, 1, 'Acme', '9.99', 0, 'active', 0, '[]')").join(', ');
    await writer.query(
      `INSERT INTO products (id, sku, name, category_id, brand, price, stock, status, is_featured, tags) VALUES ${values}`,
      slice.flatMap((id) => [id, `BENCH-${id}`, `Bench freshness row ${id}`]),
    );
  }
}

/** GraphQL: the rows' current stock, one request for every row still awaited. */
function graphqlStocks(poster: ReturnType<typeof createJsonPoster>, url: string): StockLookup {
  return async (ids) => {
    const body = (await poster.post(url, {
      query: 'query F($ids: [ID!]!) { products(ids: $ids) { id stock } }',
      variables: { ids: ids.map(String) },
    })) as { data?: { products?: ({ id: string; stock: number } | null)[] } };
    if (body.data?.products === undefined) throw new Error(`F1 GraphQL probe: ${JSON.stringify(body).slice(0, 200)}`);
    return new Map(body.data.products.flatMap((product) => (product === null ? [] : [[Number(product.id), product.stock] as const])));
  };
}

/** Search: the indexed stock of every row still awaited, one search (what is searchable: refreshed). */
function searchStocks(poster: ReturnType<typeof createJsonPoster>, searchUrl: string): StockLookup {
  return async (ids) => {
    const body = (await poster.post(searchUrl, { size: ids.length, _source: ['id', 'stock'], query: { terms: { id: ids } } })) as {
      hits?: { hits?: { _source?: { id?: number; stock?: number } }[] };
    };
    if (body.hits?.hits === undefined) throw new Error(`F1 search probe: ${JSON.stringify(body).slice(0, 200)}`);
    return new Map(
      body.hits.hits.flatMap(({ _source: doc }) =>
        doc?.id === undefined || doc.stock === undefined ? [] : [[doc.id, doc.stock] as const],
      ),
    );
  };
}

export async function runFreshnessCase(context: BenchContext, f1: FreshnessOptions): Promise<FreshnessResults> {
  const { options, config, names } = context;
  const kafka = createKafka(config.kafka, silentLogger);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${names.groupPrefix}-f1`;
  const probeGroupId = `${names.groupPrefix}-f1-probe`;
  const indexPrefix = `${names.indexPrefix}f1-`;
  const writer = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 2 });
  const redis = await connectRedis(config.redis.url);
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 10_000 });
  const poster = createJsonPoster();
  const base = 8_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000;
  const ids = Array.from({ length: POOL_ROWS }, (_, index) => base + index);
  const profiler: ProcessProfile | null = f1.profile ? await startProcessProfile(f1.outputStem, 'f1-consumer') : null;
  let gateways: F1Gateways | null = null;
  let writerChild: BenchChild<unknown> | null = null;
  let watcher: BenchChild<unknown> | null = null;
  try {
    // New groups would start at the beginning of every topic: start them at the topics' ends.
    await startGroupAtEnd(kafka, admin, groupId, new RegExp(config.kafka.topicPattern));
    gateways = await startF1Gateways(context, f1.topology, {
      cacheName: 'f1',
      mysqlUrl: config.mysql.url,
      watchedIds: [base, base + POOL_ROWS - 1],
      env: { KAFKA_GROUP_ID: groupId, ELASTICSEARCH_INDEX_PREFIX: indexPrefix },
      consumerExecArgv: profiler?.execArgv ?? [],
    });
    const consumerProcess = gateways.consumer;
    const joinDeadline = Date.now() + 60_000;
    while ((await consumerProcess.request<ConsumerStatus | null>('consumer'))?.joined !== true) {
      if (Date.now() > joinDeadline) throw new Error('the F1 consumer did not join its group within 60 s');
      await sleep(100);
    }
    context.log(
      `F1 (${f1.topology}): inserting ${POOL_ROWS} rows into shop.products (ids ${base}…) and waiting for the pipeline to deliver them`,
    );
    await insertPoolRows(writer, ids);
    const keys = ids.map((id) => entryCacheKey(cachePrefix(context, 'f1'), productEntity.table, id));
    const deliveredDeadline = Date.now() + 60_000;
    while ((await redis.mget(keys)).some((value) => value === null)) {
      if (Date.now() > deliveredDeadline) throw new Error('the F1 inserts did not reach the cache within 60 s');
      await sleep(100);
    }
    if (productEntity.search === undefined) throw new Error('products are not searchable: F1 has nothing to probe in Elasticsearch');
    const alias = searchAlias(indexPrefix, productEntity.search);
    const refreshMs = await refreshIntervalMs(search, alias);

    watcher = await startChild<unknown>(benchScript('workers/kafka-watcher.js'), {
      name: 'F1 Kafka watcher',
      args: ['shop.shop.products', String(ids[0]), String(ids[ids.length - 1])],
      env: context.childEnv({ KAFKA_GROUP_ID: probeGroupId }),
      forwardStderr: options.verbose,
    });
    const arrivals = kafkaArrivals(watcher);
    const graphqlPoller = createBatchedPoller(graphqlStocks(poster, gateways.apiUrl), GRAPHQL_POLL_MS);
    const searchPoller = createBatchedPoller(searchStocks(poster, `${config.elasticsearch.url}/${alias}/_search`), SEARCH_POLL_MS);
    const journeys: Promise<Omit<SampleJourney, 'consumer'>>[] = [];
    writerChild = await startChild<unknown>(benchScript('workers/writer-worker.js'), {
      name: 'F1 writer',
      env: context.childEnv({}),
      forwardStderr: options.verbose,
    });
    writerChild.onEvent((payload) => {
      const sample: ProbeSample = payload as WriterSample;
      journeys.push(
        Promise.all([arrivals.arrivalOf(sample.id, sample.stock), graphqlPoller.watch(sample), searchPoller.watch(sample)]).then(
          ([kafkaArrival, graphqlSeenAtMs, searchSeenAtMs]) => ({ sample, kafka: kafkaArrival, graphqlSeenAtMs, searchSeenAtMs }),
        ),
      );
    });
    context.log(`F1: ${options.writerRate} commits/s for ${options.freshnessSeconds} s, probing Kafka, GraphQL and search`);
    // Ten sampled commits a second: enough for a p99 over a 20 s run; the probes poll them in batches.
    const request: WriterRequest = {
      ids,
      rate: options.writerRate,
      seconds: options.freshnessSeconds,
      sampleEvery: Math.max(1, Math.round(options.writerRate / 10)),
    };
    await Promise.all(gateways.all.map((gateway) => gateway.request('resetWindow')));
    const countersBefore = await consumerProcess.request<Record<string, number>>('counters');
    const fromUs = await consumerProcess.request<number>('clock');
    const endActivity = await watchIndexActivity(search, alias);
    const endMachineCpu = await watchMachineCpu();
    const written = await writerChild.request<WriterResult>('run', request);
    const machineCpu = await endMachineCpu();
    const elasticsearch = await endActivity();
    const toUs = await consumerProcess.request<number>('clock');
    const counters = Object.fromEntries(
      Object.entries(counterDeltas(countersBefore, await consumerProcess.request<Record<string, number>>('counters'))).filter(
        ([, value]) => value !== 0,
      ),
    );
    const processes = await Promise.all(
      gateways.all.map(async (gateway) => ({ role: gateway.name, ...(await gateway.request<EventLoopFigures>('window')) })),
    );
    await sleep(100);
    const seen = await Promise.all(journeys);
    await Promise.all([graphqlPoller.stop(), searchPoller.stop()]);
    const traced = await consumerProcess.request<SampleJourney['consumer'][]>(
      'stages',
      seen.map(({ sample }) => ({ id: sample.id, stock: sample.stock })),
    );
    const complete: SampleJourney[] = seen.map((journey, index) => ({ ...journey, consumer: traced[index] ?? null }));
    const figures = (
      pick: (journey: SampleJourney) => number | null,
      from: (journey: SampleJourney) => number | null = (journey) => journey.sample.committedAtMs,
    ) => {
      const recorder = createLatencyRecorder();
      for (const journey of complete) {
        const at = pick(journey);
        const start = from(journey);
        // A sample Kafka never showed cannot be split: it counts as unseen in the gateway's share too.
        recorder.record(at === null || start === null ? null : at - start);
      }
      return recorder.figures();
    };
    const appended = (journey: SampleJourney) => journey.kafka?.appendedAtMs ?? null;
    let consumerProfile: ProfileSummary | null = null;
    if (profiler !== null) {
      await gateways.stopAll();
      consumerProfile = await profiler.report(
        { fromUs, toUs },
        `F1 ${gateways.consumer.name} process, ${Math.round(written.commits / written.seconds)} commits/s`,
        null,
      );
    }
    return {
      commitsPerSecond: written.commits / written.seconds,
      commits: written.commits,
      samples: complete.length,
      kafka: figures((journey) => journey.kafka?.arrivedAtMs ?? null),
      graphql: figures((journey) => journey.graphqlSeenAtMs),
      search: figures((journey) => journey.searchSeenAtMs),
      series: complete.map(({ sample, kafka: arrival, searchSeenAtMs }) => ({
        committedAtMs: sample.committedAtMs,
        kafkaMs: arrival === null ? null : arrival.arrivedAtMs - sample.committedAtMs,
        searchMs: searchSeenAtMs === null ? null : searchSeenAtMs - sample.committedAtMs,
      })),
      gatewayGraphql: figures((journey) => journey.graphqlSeenAtMs, appended),
      gatewaySearch: figures((journey) => journey.searchSeenAtMs, appended),
      refreshIntervalMs: refreshMs,
      topology: f1.topology,
      stages: stageBreakdown(complete),
      processes,
      failedPolls: graphqlPoller.failedPolls() + searchPoller.failedPolls(),
      consumerProfile,
      consumerCounters: counters,
      elasticsearch,
      machineCpu,
    };
  } finally {
    await writerChild?.stop();
    await watcher?.stop();
    await gateways?.stopAll();
    await profiler?.close();
    for (let from = 0; from < ids.length; from += 500) {
      const slice = ids.slice(from, from + 500);
      await writer.query(`DELETE FROM products WHERE id IN (${slice.map(() => '?').join(', ')})`, slice).catch(() => undefined);
    }
    await admin.deleteGroups([groupId, probeGroupId]).catch(() => undefined);
    await admin.disconnect();
    await deleteKeysWithPrefix(redis, cachePrefix(context, 'f1')).catch(() => undefined);
    redis.disconnect();
    await deleteIndicesWithPrefix(search, indexPrefix).catch(() => undefined);
    await search.close();
    poster.close();
    await writer.end();
  }
}

import type { Pool } from 'mysql2/promise';
import { entryCacheKey } from '../../src/cache/cache-entry.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';
import { silentLogger } from '../../src/observability/logger.js';
import { productEntity } from '../../src/schema/product.type.js';
import { createElasticsearchClient } from '../../src/search/elasticsearch-client.js';
import { searchAlias } from '../../src/search/index-manager.js';
import type { ConsumerStatus } from '../../src/sync/cdc-consumer.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import type { BenchContext } from '../bench-context.js';
import { benchScript } from '../bench-context.js';
import type { BenchChild } from '../child-process.js';
import { startChild } from '../child-process.js';
import { createJsonPoster } from '../http-post.js';
import { startGroupAtEnd } from '../kafka-groups.js';
import { connectRedis, deleteKeysWithPrefix } from '../redis-keys.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';
import type { WriterRequest, WriterResult, WriterSample } from '../workers/writer-worker.js';
import type { GatewayChild } from './bench-servers.js';
import { cachePrefix, startGateway } from './bench-servers.js';
import type { LatencyFigures } from './freshness-probes.js';
import { createLatencyRecorder, GRAPHQL_POLLS, kafkaArrivals, pollUntil, refreshIntervalMs, SEARCH_POLLS } from './freshness-probes.js';

/**
 * F1: a writer process commits ~500 rows/s to shop.products (rows of its own, far above any demo or
 * test id) while the real pipeline runs: MariaDB → Debezium → Kafka → a bench gateway's consumer
 * (own group starting at the topics' ends, own cache prefix and indices). For a sample of the
 * commits the bench times commit → the change in Kafka (Debezium's share), commit → the new value
 * answered through GraphQL, and commit → findable by a search in Elasticsearch.
 */
export interface FreshnessResults {
  readonly commitsPerSecond: number;
  readonly commits: number;
  readonly samples: number;
  readonly kafka: LatencyFigures;
  readonly graphql: LatencyFigures;
  readonly search: LatencyFigures;
  readonly refreshIntervalMs: number;
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

export async function runFreshnessCase(context: BenchContext): Promise<FreshnessResults> {
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
  let gateway: GatewayChild | null = null;
  let writerChild: BenchChild<unknown> | null = null;
  let watcher: BenchChild<unknown> | null = null;
  try {
    // New groups would start at the beginning of every topic: start them at the topics' ends.
    await startGroupAtEnd(kafka, admin, groupId, new RegExp(config.kafka.topicPattern));
    gateway = await startGateway(context, 'f1', {
      cacheName: 'f1',
      mysqlUrl: config.mysql.url,
      flags: ['--consumer'],
      env: { KAFKA_GROUP_ID: groupId, ELASTICSEARCH_INDEX_PREFIX: indexPrefix },
    });
    const joinDeadline = Date.now() + 60_000;
    while ((await gateway.request<ConsumerStatus | null>('consumer'))?.joined !== true) {
      if (Date.now() > joinDeadline) throw new Error('the F1 consumer did not join its group within 60 s');
      await sleep(100);
    }
    context.log(`F1: inserting ${POOL_ROWS} rows into shop.products (ids ${base}…) and waiting for the pipeline to deliver them`);
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

    const kafkaTimes = createLatencyRecorder();
    const graphqlTimes = createLatencyRecorder();
    const searchTimes = createLatencyRecorder();
    watcher = await startChild<unknown>(benchScript('workers/kafka-watcher.js'), {
      name: 'F1 Kafka watcher',
      args: ['shop.shop.products', String(ids[0]), String(ids[ids.length - 1])],
      env: context.childEnv({ KAFKA_GROUP_ID: probeGroupId }),
      forwardStderr: options.verbose,
    });
    const arrivals = kafkaArrivals(watcher);
    const graphqlUrl = gateway.ready.url;
    const countUrl = `${config.elasticsearch.url}/${alias}/_count`;
    const probes: Promise<void>[] = [];
    writerChild = await startChild<unknown>(benchScript('workers/writer-worker.js'), { name: 'F1 writer', env: context.childEnv({}), forwardStderr: options.verbose });
    let sampled = 0;
    writerChild.onEvent((payload) => {
      const { id, stock, committedAtMs } = payload as WriterSample;
      sampled += 1;
      const graphqlSeen = async () => {
        const body = (await poster.post(graphqlUrl, { query: 'query F($id: ID!) { product(id: $id) { stock } }', variables: { id: String(id) } })) as { data?: { product?: { stock?: number } | null } };
        return (body.data?.product?.stock ?? -1) >= stock;
      };
      const searchSeen = async () => {
        const body = (await poster.post(countUrl, { query: { bool: { filter: [{ term: { id } }, { range: { stock: { gte: stock } } }] } } })) as { count?: number };
        return (body.count ?? 0) > 0;
      };
      probes.push(
        arrivals.arrivalOf(id, stock).then((at) => kafkaTimes.record(at === null ? null : at - committedAtMs)),
        pollUntil(graphqlSeen, committedAtMs, GRAPHQL_POLLS).then((at) => graphqlTimes.record(at === null ? null : at - committedAtMs)),
      );
      // Every other sample for search: its polls are searches on the Elasticsearch the consumer writes to.
      if (sampled % 2 === 0) probes.push(pollUntil(searchSeen, committedAtMs, SEARCH_POLLS).then((at) => searchTimes.record(at === null ? null : at - committedAtMs)));
    });
    context.log(`F1: ${options.writerRate} commits/s for ${options.freshnessSeconds} s, probing Kafka, GraphQL and search`);
    // Ten sampled commits a second: enough for a p99 over a 20 s run, few enough polls not to load the pipeline.
    const request: WriterRequest = { ids, rate: options.writerRate, seconds: options.freshnessSeconds, sampleEvery: Math.max(1, Math.round(options.writerRate / 10)) };
    const written = await writerChild.request<WriterResult>('run', request);
    await sleep(100);
    await Promise.all(probes);
    return {
      commitsPerSecond: written.commits / written.seconds,
      commits: written.commits,
      samples: sampled,
      kafka: kafkaTimes.figures(),
      graphql: graphqlTimes.figures(),
      search: searchTimes.figures(),
      refreshIntervalMs: refreshMs,
    };
  } finally {
    await writerChild?.stop();
    await watcher?.stop();
    await gateway?.stop();
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

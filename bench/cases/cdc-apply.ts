import type { CdcConsumerTuning } from '../../src/sync/consumer-tuning.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import { createElasticsearchClient } from '../../src/index/elasticsearch-client.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { BenchContext } from '../bench-context.js';
import type { BenchOptions } from '../bench-options.js';
import { benchScript } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import { startChild } from '../child-process.js';
import type { ProfileSummary } from '../profile/cpu-profile.js';
import { startProcessProfile } from '../profile/profile-files.js';
import { connectRedis, deleteKeysWithPrefix } from '../redis-keys.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';
import { median, ratio } from '../stats.js';
import type { CdcRunRequest, CdcRunResult } from '../workers/cdc-worker.js';
import type { RawBulkRequest, RawBulkResult } from '../workers/raw-bulk.js';
import type { StoreApplier } from '../../src/sync/store-applier.js';
import { avroChangeEncoder } from './cdc-avro-messages.js';
import type { TopicFill } from './cdc-topic.js';
import { ensureCdcTopic } from './cdc-topic.js';

/**
 * C1: how fast changes get from a pre-filled topic into Redis and Elasticsearch: the gateway's
 * consumer beside baselines that use the same decoders and appliers the way a Logstash pipeline or
 * a naive per-message consumer would. Each consumer runs for a fixed window from the start of the
 * topic (a steady rate; draining all of it would take minutes per round on this machine). Rounds
 * are interleaved; every round starts from empty stores.
 */
export interface CdcVariant {
  readonly id: string;
  readonly label: string;
  /** Which pre-filled topic it reads: the same changes as JSON Debezium or as Avro (Confluent wire format). */
  readonly input: 'json' | 'avro';
  readonly tuning: Partial<CdcConsumerTuning>;
  /** The stores (lanes) it applies to; all of the gateway's when absent. */
  readonly stores?: readonly StoreApplier['store'][];
  /** How long a round runs (it ends earlier if the topic is drained). */
  readonly seconds: (options: BenchOptions) => number;
}

export interface CdcVariantResult {
  readonly id: string;
  readonly label: string;
  readonly rounds: readonly CdcRunResult[];
  readonly medianMessagesPerSecond: number;
  readonly medianCpuMsPerMessage: number;
}

export interface CdcResults {
  readonly topic: TopicFill;
  /** The same changes as Avro, for the Avro input variant. */
  readonly avroTopic: TopicFill;
  readonly variants: readonly CdcVariantResult[];
  /** Gateway rate ÷ the Logstash-like baseline's. */
  readonly ratioToLogstashLike: number;
  /** The physical limit: the same final documents as plain _bulk index requests (median over rounds). */
  readonly rawBulk: {
    readonly rounds: readonly RawBulkResult[];
    readonly medianDocumentsPerSecond: number;
    readonly messages: number;
    readonly batchSize: number;
  };
  /** The gateway's Elasticsearch documents lane alone ÷ raw _bulk (target ≥ 0.7). */
  readonly ratioToRawBulk: number;
  /** The whole gateway (Redis, documents and embeds lanes) ÷ raw _bulk. */
  readonly ratioToRawBulkWithEmbeds: number;
  /** The CPU profile of one variant's first round (`--c1-profile`), if asked for. */
  readonly profile?: { readonly variant: string; readonly summary: ProfileSummary } | null;
  readonly ratioToPerMessage: number;
  /** Gateway rate on Avro input ÷ on JSON input. */
  readonly avroToJson: number;
}

/**
 * The baselines apply each batch to both stores before the next one starts (a Logstash pipeline
 * waits for every output): a store may hold nothing queued while it applies, so nothing merges.
 */
const lockstep = (batch: number): Partial<CdcConsumerTuning> => ({ chunkSize: batch, storeBacklogChanges: 1, maxApplyChanges: batch });

export const CDC_VARIANTS: readonly CdcVariant[] = [
  {
    id: 'gateway',
    label:
      'gateway consumer (its defaults: chunks of 500, 3 partitions at once, each store at its own pace, a store behind merges queued chunks into applies of ~1,000 changes)',
    input: 'json',
    tuning: {},
    seconds: (options) => options.cdcSeconds,
  },
  {
    id: 'gateway-avro',
    label: 'gateway consumer, Avro input: the same changes as the Avro connector writes them (schemas fetched from the registry by id)',
    input: 'avro',
    tuning: {},
    seconds: (options) => options.cdcSeconds,
  },
  {
    id: 'gateway-search',
    label: 'gateway consumer, its Elasticsearch documents lane alone (no Redis, no embeds lane): what the raw _bulk is compared with',
    input: 'json',
    tuning: {},
    stores: ['elasticsearch'],
    seconds: (options) => options.cdcSeconds,
  },
  {
    id: 'logstash-like',
    label:
      'Logstash-like: batches of 125, 2 pipeline workers, each batch in both stores before the next (a 50 ms flush never fires on a full topic)',
    input: 'json',
    tuning: { ...lockstep(125), partitionsConsumedConcurrently: 2 },
    seconds: (options) => options.baselineSeconds,
  },
  {
    id: 'per-message',
    label: 'per-message apply (batch of 1, one partition at a time)',
    input: 'json',
    tuning: { ...lockstep(1), partitionsConsumedConcurrently: 1 },
    seconds: (options) => Math.max(2, Math.round(options.baselineSeconds / 2)),
  },
];

/**
 * C1's own flags: `--c1-profile <variant id>` takes a CPU profile of that variant's first round;
 * `--c1-variants a,b` runs only those variants (for iterating on one; the report then lacks the
 * ratios that need the others).
 */
export function parseC1Flags(argv: readonly string[], outputStem: string): C1Flags {
  const known = (id: string | undefined, flag: string): string => {
    if (id === undefined || !CDC_VARIANTS.some((variant) => variant.id === id))
      throw new Error(`${flag} takes ${CDC_VARIANTS.map((variant) => variant.id).join(', ')}, got ${id ?? 'nothing'}`);
    return id;
  };
  const profileAt = argv.indexOf('--c1-profile');
  const variantsAt = argv.indexOf('--c1-variants');
  return {
    profileVariant: profileAt === -1 ? null : known(argv[profileAt + 1], '--c1-profile'),
    variants: variantsAt === -1 ? null : (argv[variantsAt + 1] ?? '').split(',').map((id) => known(id, '--c1-variants')),
    outputStem,
  };
}

export interface C1Flags {
  readonly profileVariant: string | null;
  /** null: every variant. */
  readonly variants: readonly string[] | null;
  readonly outputStem: string;
}

export async function runCdcApplyCase(context: BenchContext, database: BenchDatabase, flags: C1Flags): Promise<CdcResults> {
  const { options, names, config } = context;
  const kafka = createKafka(config.kafka, silentLogger);
  const admin = kafka.admin();
  await admin.connect();
  const redis = await connectRedis(config.redis.url);
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 30_000 });
  try {
    const topic = await ensureCdcTopic(kafka, admin, names.cdcTopic, database.size, options.cdcMessages, context.log);
    if (!options.keepData) context.onCleanup(`topic ${topic.topic}`, () => admin.deleteTopics({ topics: [topic.topic] }));
    const avroTopicName = `${names.cdcTopic}.avro`;
    const avroEncoder = await avroChangeEncoder(config.kafka.schemaRegistryUrl, avroTopicName);
    const avroTopic = await ensureCdcTopic(kafka, admin, avroTopicName, database.size, options.cdcMessages, context.log, avroEncoder);
    if (!options.keepData) context.onCleanup(`topic ${avroTopic.topic}`, () => admin.deleteTopics({ topics: [avroTopic.topic] }));
    const topicOf = (variant: CdcVariant) => (variant.input === 'avro' ? avroTopic : topic);
    const rounds = new Map<string, CdcRunResult[]>(CDC_VARIANTS.map((variant) => [variant.id, []]));
    let profile: ProfileSummary | null = null;
    const chosen = CDC_VARIANTS.filter((variant) => flags.variants === null || flags.variants.includes(variant.id));
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const variant of chosen) {
        const tag = `c1-${variant.id}-${round}`;
        const groupId = `${names.groupPrefix}-${tag}`;
        const keyPrefix = `${names.redisPrefix}${tag}:`;
        const indexPrefix = `${names.indexPrefix}${tag}-`;
        const profiler =
          round === 1 && flags.profileVariant === variant.id ? await startProcessProfile(flags.outputStem, `c1-${variant.id}`) : null;
        const child = await startChild<unknown>(benchScript('workers/cdc-worker.js'), {
          name: `C1 ${variant.id}`,
          execArgv: profiler?.execArgv ?? [],
          forwardStderr: options.verbose,
          env: context.childEnv({
            MYSQL_URL: database.readerUrl,
            REDIS_KEY_PREFIX: keyPrefix,
            ELASTICSEARCH_INDEX_PREFIX: indexPrefix,
            KAFKA_GROUP_ID: groupId,
            CDC_TOPIC_PATTERN: `^${topicOf(variant).topic.replaceAll('.', '\\.')}$`,
            CDC_DEAD_LETTER_TOPIC: 'gateway.dead-letter',
          }),
        });
        try {
          const request: CdcRunRequest = {
            tuning: variant.tuning,
            ...(variant.stores === undefined ? {} : { stores: variant.stores }),
            expected: topic.messages,
            maxSeconds: variant.seconds(options),
          };
          const result = await child.request<CdcRunResult>('run', request);
          rounds.get(variant.id)?.push(result);
          if (profiler !== null) {
            await child.stop();
            profile = await profiler.report(result.window, `C1 ${variant.id}, ${Math.round(result.messagesPerSecond)} changes/s`, null);
          }
          context.log(
            `  C1 ${variant.id} round ${round}: ${Math.round(result.messagesPerSecond)} changes/s (${result.messages} in ${result.seconds.toFixed(1)} s${result.drained ? ', drained' : ''}), ${result.cpuMsPerMessage.toFixed(3)} CPU ms/change, ${result.applyCalls} chunks, in redis ${(result.storeSeconds['redis'] ?? 0).toFixed(1)} s, elasticsearch ${(result.storeSeconds['elasticsearch'] ?? 0).toFixed(1)} s`,
          );
        } finally {
          await child.stop();
          await profiler?.close();
          await admin.deleteGroups([groupId]).catch(() => undefined);
          await deleteKeysWithPrefix(redis, keyPrefix);
          await deleteIndicesWithPrefix(search, indexPrefix);
        }
      }
    }
    const rawBulk = await runRawBulkRounds(context, database, topic, rounds.get('gateway-search') ?? []);
    const variants = chosen.map((variant): CdcVariantResult => {
      const list = rounds.get(variant.id) ?? [];
      return {
        id: variant.id,
        label: variant.label,
        rounds: list,
        medianMessagesPerSecond: median(list.map((result) => result.messagesPerSecond)),
        medianCpuMsPerMessage: median(list.map((result) => result.cpuMsPerMessage)),
      };
    });
    const rate = (id: string) => variants.find((variant) => variant.id === id)?.medianMessagesPerSecond ?? Number.NaN;
    return {
      topic,
      avroTopic,
      variants,
      ratioToLogstashLike: ratio(rate('gateway'), rate('logstash-like')),
      ratioToPerMessage: ratio(rate('gateway'), rate('per-message')),
      avroToJson: ratio(rate('gateway-avro'), rate('gateway')),
      rawBulk,
      ratioToRawBulk: ratio(rate('gateway-search'), rawBulk.medianDocumentsPerSecond),
      ratioToRawBulkWithEmbeds: ratio(rate('gateway'), rawBulk.medianDocumentsPerSecond),
      profile: profile === null ? null : { variant: flags.profileVariant ?? '', summary: profile },
    };
  } finally {
    redis.disconnect();
    await search.close();
    await admin.disconnect();
  }
}

/** The gateway's apply size: a store behind merges queued chunks into applies of up to this many changes. */
const GATEWAY_APPLY_SIZE = 1000;

/**
 * Raw _bulk rounds, after the consumer rounds (so they never share the node): as many messages as the
 * gateway's documents lane applied in its median round, into an empty index of their own.
 */
async function runRawBulkRounds(
  context: BenchContext,
  database: BenchDatabase,
  topic: TopicFill,
  gatewayRounds: readonly CdcRunResult[],
): Promise<CdcResults['rawBulk']> {
  const { options, names } = context;
  const messages = Math.max(1000, Math.min(topic.messages, Math.round(median(gatewayRounds.map((round) => round.messages))) || 20_000));
  const search = createElasticsearchClient({ url: context.config.elasticsearch.url, requestTimeoutMs: 60_000 });
  const results: RawBulkResult[] = [];
  try {
    for (let round = 1; round <= options.rounds; round += 1) {
      const indexPrefix = `${names.indexPrefix}c1-raw-${round}-`;
      const child = await startChild<unknown>(benchScript('workers/cdc-worker.js'), {
        name: 'C1 raw-bulk',
        forwardStderr: options.verbose,
        env: context.childEnv({
          MYSQL_URL: database.readerUrl,
          ELASTICSEARCH_INDEX_PREFIX: indexPrefix,
          KAFKA_GROUP_ID: `${names.groupPrefix}-c1-raw-${round}`,
        }),
      });
      try {
        const request: RawBulkRequest = { topic: topic.topic, messages, batchSize: GATEWAY_APPLY_SIZE, indexPrefix };
        const result = await child.request<RawBulkResult>('rawBulk', request);
        results.push(result);
        context.log(
          `  C1 raw-bulk round ${round}: ${Math.round(result.documentsPerSecond)} documents/s (${result.documents} in ${result.seconds.toFixed(1)} s)`,
        );
      } finally {
        await child.stop();
        await deleteIndicesWithPrefix(search, indexPrefix);
      }
    }
  } finally {
    await search.close();
  }
  return {
    rounds: results,
    medianDocumentsPerSecond: median(results.map((result) => result.documentsPerSecond)),
    messages,
    batchSize: GATEWAY_APPLY_SIZE,
  };
}

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { RowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { ConsumerStatus } from './consumer-status.js';
import { groupByStore } from './consumer-status.js';
import type { ConsumerTrace } from './consumer-trace.js';
import { createDeadLetterPublisher } from './dead-letter.js';
import type { PartitionPipeline } from './partition-pipeline.js';
import { createPartitionPipeline } from './partition-pipeline.js';
import type { ChunkPreparer } from './prepare-chunk.js';
import { createChunkPreparer } from './prepare-chunk.js';
import { RetryAborted } from '../retry-backoff.js';
import { createSchemaRegistryClient } from './schema-registry-client.js';
import type { StoreApplier } from './store-applier.js';
import type { OffsetCommitter } from './offset-committer.js';
import { createOffsetCommitter } from './offset-committer.js';

export type { ConsumerStatus, PartitionStatus, StoreStatus } from './consumer-status.js';
export type { ConsumerTrace } from './consumer-trace.js';

export interface CdcConsumerTuning {
  /** At most this many messages are prepared (decoded, dead-lettered, re-read) at once. */
  readonly chunkSize: number;
  /** Partitions processed at once, so one stalled partition does not hold back the others. */
  readonly partitionsConsumedConcurrently: number;
  /**
   * Changes (after collapsing) a store may hold queued per partition before fetching that
   * partition waits for it: bounds memory, and how far Redis may run ahead of Elasticsearch.
   */
  readonly storeBacklogChanges: number;
  /** A store that fell behind catches up with applies of up to about this many changes. */
  readonly maxApplyChanges: number;
  /** Fetch size per partition: large enough to fill several chunks from a backlog. */
  readonly maxBytesPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Offsets every store applied are committed at most this often, and when the consumer stops. */
  readonly autoCommitIntervalMs: number;
}

const DEFAULT_TUNING: CdcConsumerTuning = {
  chunkSize: 500,
  partitionsConsumedConcurrently: 3,
  storeBacklogChanges: 10_000,
  maxApplyChanges: 1_000,
  maxBytesPerPartition: 8 * 1024 * 1024,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 5_000,
  autoCommitIntervalMs: 1_000,
};

export interface CdcConsumerDependencies {
  readonly kafka: Kafka;
  readonly config: GatewayConfig['kafka'];
  readonly registry: EntityRegistry;
  readonly appliers: readonly StoreApplier[];
  readonly rows: RowSource;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly tuning?: Partial<CdcConsumerTuning>;
  readonly now?: () => number;
  /** Stage timestamps per chunk (the bench's F1 breakdown); absent in production. */
  readonly trace?: ConsumerTrace;
}

export interface CdcConsumer {
  /** Connects, joins the group and starts consuming; resolves once the run loop is started. */
  start(): Promise<void>;
  /**
   * Stops promptly: applies in flight finish and are committed, queued chunks and a chunk still
   * retrying are abandoned uncommitted (consumed again later). Resolves when disconnected.
   */
  stop(): Promise<void>;
  status(): ConsumerStatus;
}

interface Running {
  readonly consumer: Consumer;
  readonly producer: Producer;
  readonly stopping: AbortController;
}

/**
 * Keeps the stores current from the CDC topics, one group for all stores. Each fetched chunk is
 * prepared once, then handed to one lane per store (partition-pipeline.ts): Redis applies as soon
 * as a chunk arrives while Elasticsearch, slower, works through the same chunks at its own pace in
 * bigger merged applies. Offsets are committed only up to what every store applied (or whose dead
 * letter was acknowledged), so a restart replays whatever any store had not applied yet; the stores'
 * version guards make that replay harmless. A failing store stalls only its own lane, with capped
 * backoff; once it is a full lane behind, fetching that partition waits too, heartbeating all along
 * so the group never evicts a consumer that is merely waiting for a store to return.
 */
export function createCdcConsumer(deps: CdcConsumerDependencies): CdcConsumer {
  const { kafka, config, metrics } = deps;
  const tuning: CdcConsumerTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'cdc-consumer' });
  let pipelines = new Map<string, PartitionPipeline>();
  let joined = false;
  let lastFreshnessMs: number | null = null;
  let running: Running | null = null;
  let committer: OffsetCommitter | null = null;

  function pipelineFor(topic: string, partition: number, signal: AbortSignal): PartitionPipeline {
    const key = `${topic}:${partition}`;
    let pipeline = pipelines.get(key);
    if (pipeline === undefined) {
      pipeline = createPartitionPipeline({
        topic,
        partition,
        appliers: deps.appliers,
        signal,
        tuning: { laneCapacity: tuning.storeBacklogChanges, maxApplyChanges: tuning.maxApplyChanges, retryInitialDelayMs: tuning.retryInitialDelayMs, retryMaxDelayMs: tuning.retryMaxDelayMs },
        metrics,
        logger,
        now,
        onCompleted: (_pipeline, chunk) => {
          if (chunk.newestCommitMs !== null) lastFreshnessMs = Math.max(0, now() - chunk.newestCommitMs);
          committer?.request();
        },
        ...(deps.trace === undefined ? {} : { trace: deps.trace }),
      });
      pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  function watchGroup(consumer: Consumer, signal: AbortSignal): void {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      // A new generation fetches every partition again from its committed offset: work queued in
      // the old one would be applied twice, so it is dropped (an apply in flight just finishes).
      const retired = [...pipelines.values()];
      pipelines = new Map();
      committer?.reset();
      for (const pipeline of retired) pipeline.retire().catch((error: unknown) => logger.error({ err: error }, 'retiring a partition pipeline failed'));
      for (const [topic, list] of Object.entries(payload.memberAssignment)) for (const partition of list) pipelineFor(topic, partition, signal);
      logger.info({ groupId: payload.groupId, assignment: payload.memberAssignment }, 'joined the consumer group');
    });
    consumer.on(consumer.events.REBALANCING, () => {
      joined = false;
    });
    consumer.on(consumer.events.STOP, () => {
      joined = false;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      joined = false;
      logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
  }

  /**
   * One fetched batch of one partition, prepared in chunks and handed to the stores' lanes. The
   * fetch position moves on once a chunk is queued; the committed offset only once every store
   * applied it.
   */
  function batchHandler(prepareChunk: ChunkPreparer, stopping: AbortSignal) {
    return async function eachBatch(payload: EachBatchPayload): Promise<void> {
      const { batch } = payload;
      const first = batch.messages[0];
      if (first === undefined) return;
      const fetchedAtMs = now();
      const pipeline = pipelineFor(batch.topic, batch.partition, stopping);
      pipeline.sawBatch(first.offset, batch.highWatermark);
      const revoked = new AbortController();
      const signal = AbortSignal.any([stopping, revoked.signal]);
      // Heartbeats keep flowing however long a store takes; a failed one (rebalance) revokes the batch.
      const ticker = setInterval(() => {
        payload.heartbeat().catch((error: unknown) => revoked.abort(error));
      }, Math.max(100, Math.floor(tuning.heartbeatIntervalMs / 3)));
      try {
        for (let from = 0; from < batch.messages.length; from += tuning.chunkSize) {
          if (signal.aborted || !payload.isRunning() || payload.isStale()) break;
          const chunk = batch.messages.slice(from, from + tuning.chunkSize);
          const last = chunk[chunk.length - 1];
          if (last === undefined) break;
          await pipeline.waitForRoom(signal);
          const prepared = await prepareChunk(batch.topic, batch.partition, chunk, pipeline.retryFor(chunk[0]?.offset ?? last.offset, signal));
          // A batch outliving its generation must not move the new generation's fetch position.
          if (pipelines.get(`${batch.topic}:${batch.partition}`) !== pipeline) break;
          deps.trace?.prepared(prepared, fetchedAtMs, now());
          pipeline.enqueue(prepared);
          payload.resolveOffset(last.offset);
          await payload.heartbeat();
          // Every await above may settle without I/O: without this a large fetch is prepared in one
          // long task, and the stores' replies, other partitions and the next fetch wait for its end.
          await yieldToEventLoop();
        }
      } catch (error) {
        // Aborted by stop() or a rebalance: the chunk in hand is not queued, so it is not committed.
        if (!(error instanceof RetryAborted)) throw error;
      } finally {
        clearInterval(ticker);
      }
      // kafkajs must see the rebalance error to rejoin.
      if (revoked.signal.aborted) throw revoked.signal.reason;
    };
  }

  async function start(): Promise<void> {
    const consumer = kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      maxBytesPerPartition: tuning.maxBytesPerPartition,
      maxBytes: Math.max(tuning.maxBytesPerPartition * tuning.partitionsConsumedConcurrently, 10 * 1024 * 1024),
      allowAutoTopicCreation: false,
    });
    // Few retries per send: the consumer's own loop retries a failed send while heartbeating.
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    const stopping = new AbortController();
    running = { consumer, producer, stopping };
    committer = createOffsetCommitter({
      commit: (offsets) => consumer.commitOffsets(offsets),
      positions: () =>
        [...pipelines.values()].flatMap((pipeline) => {
          const completed = pipeline.completedOffset();
          return completed === null ? [] : [{ topic: pipeline.topic, partition: pipeline.partition, offset: (BigInt(completed) + 1n).toString() }];
        }),
      intervalMs: tuning.autoCommitIntervalMs,
      logger,
    });
    const prepareChunk = createChunkPreparer({
      format: config.format,
      registry: deps.registry,
      rows: deps.rows,
      deadLetters: createDeadLetterPublisher({ producer, topic: config.deadLetterTopic }),
      schemaRegistry: createSchemaRegistryClient({ url: config.schemaRegistryUrl }),
      metrics,
      logger,
    });

    watchGroup(consumer, stopping.signal);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [new RegExp(config.topicPattern)], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      // Committed by the offset committer, at what every store applied (resolveOffset moves only the fetch position).
      autoCommit: false,
      partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently,
      eachBatch: batchHandler(prepareChunk, stopping.signal),
    });
    logger.info({ groupId: config.groupId, topicPattern: config.topicPattern, format: config.format, stores: deps.appliers.map((applier) => applier.store) }, 'cdc consumer started');
  }

  function status(): ConsumerStatus {
    const current = [...pipelines.values()];
    return {
      joined,
      partitions: current.map((pipeline) => pipeline.status()),
      lastFreshnessMs,
      stores: groupByStore(current.flatMap((pipeline) => pipeline.storeStatuses())),
    };
  }

  async function stopRunning(): Promise<void> {
    if (running === null) return;
    const { consumer, producer, stopping } = running;
    running = null;
    stopping.abort(new Error('cdc consumer stopping'));
    try {
      // Applies in flight finish; then what every store applied is committed while still a member.
      await Promise.all([...pipelines.values()].map((pipeline) => pipeline.retire()));
      await committer?.flush();
      committer?.close();
      await consumer.disconnect();
    } finally {
      joined = false;
      await producer.disconnect();
      logger.info({ groupId: config.groupId }, 'cdc consumer stopped');
    }
  }

  return {
    start: async () => {
      if (running !== null) throw new Error('cdc consumer: already started');
      try {
        await start();
      } catch (error) {
        await stopRunning();
        throw error;
      }
    },
    stop: stopRunning,
    status,
  };
}

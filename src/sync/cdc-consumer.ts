import { Partitioners } from 'kafkajs';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { RowSource } from '../db/row-source.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { ChunkApplier, Retry } from './apply-chunk.js';
import { createChunkApplier } from './apply-chunk.js';
import { createDeadLetterPublisher } from './dead-letter.js';
import { RetryAborted, retryUntilDone } from './retry-backoff.js';
import type { StoreApplier } from './store-applier.js';

export interface CdcConsumerTuning {
  /** At most this many messages are applied between two offset commits and heartbeats. */
  readonly chunkSize: number;
  /** Partitions processed at once, so one stalled partition does not hold back the others. */
  readonly partitionsConsumedConcurrently: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Applied offsets are committed at most this often inside a batch, and always at its end. */
  readonly autoCommitIntervalMs: number;
}

const DEFAULT_TUNING: CdcConsumerTuning = {
  chunkSize: 500,
  partitionsConsumedConcurrently: 3,
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
}

export interface PartitionStatus {
  readonly topic: string;
  readonly partition: number;
  /** Messages after the last applied one, as of the last batch fetched; null before the first. */
  readonly lag: number | null;
  readonly lastAppliedOffset: string | null;
  readonly lastAppliedAtMs: number | null;
  /** Source commit → applied, for the newest change of the last applied chunk. */
  readonly lastFreshnessMs: number | null;
  /** Set while a step keeps failing (the partition is stalled, nothing past it is committed). */
  readonly retrying: { readonly step: string; readonly failures: number; readonly error: string } | null;
}

export interface ConsumerStatus {
  readonly joined: boolean;
  readonly partitions: readonly PartitionStatus[];
  readonly lastFreshnessMs: number | null;
}

export interface CdcConsumer {
  /** Connects, joins the group and starts consuming; resolves once the run loop is started. */
  start(): Promise<void>;
  /** Stops promptly: a chunk still retrying is abandoned uncommitted. Resolves when disconnected. */
  stop(): Promise<void>;
  status(): ConsumerStatus;
}

type MutablePartitionStatus = { -readonly [K in keyof PartitionStatus]: PartitionStatus[K] };

/**
 * Keeps the stores current from the CDC topics. Offsets are committed only for messages that every
 * store acknowledged (or whose dead letter was acknowledged). A failing store stalls its partition
 * inside eachBatch: the chunk is retried with capped backoff while a ticker keeps heartbeating, so
 * the group never evicts a consumer that is merely waiting for Redis or Elasticsearch to return.
 */
export function createCdcConsumer(deps: CdcConsumerDependencies): CdcConsumer {
  const { kafka, config, metrics } = deps;
  const tuning: CdcConsumerTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'cdc-consumer' });
  const partitions = new Map<string, MutablePartitionStatus>();
  let joined = false;
  let lastFreshnessMs: number | null = null;
  let running: { consumer: Consumer; producer: Producer; stopping: AbortController } | null = null;

  function partitionState(topic: string, partition: number): MutablePartitionStatus {
    const key = `${topic}:${partition}`;
    let state = partitions.get(key);
    if (state === undefined) {
      state = { topic, partition, lag: null, lastAppliedOffset: null, lastAppliedAtMs: null, lastFreshnessMs: null, retrying: null };
      partitions.set(key, state);
    }
    return state;
  }

  function retryFor(state: MutablePartitionStatus, firstOffset: string, signal: AbortSignal): Retry {
    return (step, attempt) =>
      retryUntilDone(attempt, {
        signal,
        initialDelayMs: tuning.retryInitialDelayMs,
        maxDelayMs: tuning.retryMaxDelayMs,
        onFailure: (error, failures, delayMs) => {
          metrics.increment('cdc_retries', { step });
          state.retrying = { step, failures, error: errorMessage(error) };
          const fields = { topic: state.topic, partition: state.partition, offset: firstOffset, step, failures, delayMs, err: error };
          // A store that is down is expected now and then; anything else is a bug worth shouting about.
          if (isRetriable(error)) logger.warn(fields, 'step failed; retrying the chunk');
          else logger.error(fields, 'step failed with a non-retriable error; retrying the chunk rather than skipping it');
        },
      });
  }

  function recordChunk(state: MutablePartitionStatus, highWatermark: string, lastOffset: string, newestCommitMs: number | null): void {
    const at = now();
    state.lastAppliedOffset = lastOffset;
    state.lastAppliedAtMs = at;
    state.lag = Math.max(0, Number(BigInt(highWatermark) - BigInt(lastOffset) - 1n));
    state.retrying = null;
    if (newestCommitMs !== null) {
      state.lastFreshnessMs = Math.max(0, at - newestCommitMs);
      lastFreshnessMs = state.lastFreshnessMs;
    }
    const labels = { topic: state.topic, partition: String(state.partition) };
    metrics.setGauge('cdc_lag', labels, state.lag);
    metrics.setGauge('cdc_last_applied_ms', labels, at);
  }

  function watchGroup(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, list]) => list.map((p) => `${topic}:${p}`)));
      for (const key of partitions.keys()) if (!assigned.has(key)) partitions.delete(key);
      for (const key of assigned) {
        const separator = key.lastIndexOf(':');
        partitionState(key.slice(0, separator), Number(key.slice(separator + 1)));
      }
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
   * One fetched batch of one partition, applied in chunks. Each chunk's offset is resolved only
   * after applyChunk resolved, i.e. after every store (and the dead-letter topic) acknowledged it.
   */
  function batchHandler(applyChunk: ChunkApplier, stopping: AbortSignal) {
    return async function eachBatch(payload: EachBatchPayload): Promise<void> {
      const { batch } = payload;
      const state = partitionState(batch.topic, batch.partition);
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
          const result = await applyChunk(batch.topic, batch.partition, chunk, retryFor(state, chunk[0]?.offset ?? last.offset, signal));
          payload.resolveOffset(last.offset);
          recordChunk(state, batch.highWatermark, last.offset, result.newestCommitMs);
          await payload.commitOffsetsIfNecessary();
          await payload.heartbeat();
        }
      } catch (error) {
        // Aborted by stop() or a rebalance: the chunk in hand stays unresolved, so it is not committed.
        if (!(error instanceof RetryAborted)) throw error;
      } finally {
        clearInterval(ticker);
      }
      // kafkajs must see the rebalance error to rejoin; what was applied is already resolved.
      if (revoked.signal.aborted) throw revoked.signal.reason;
    };
  }

  async function start(): Promise<void> {
    const consumer = kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
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
    const applyChunk = createChunkApplier({
      format: config.format,
      registry: deps.registry,
      appliers: deps.appliers,
      rows: deps.rows,
      deadLetters: createDeadLetterPublisher({ producer, topic: config.deadLetterTopic }),
      metrics,
      logger,
      now,
    });

    watchGroup(consumer);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [new RegExp(config.topicPattern)], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: tuning.autoCommitIntervalMs,
      partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently,
      eachBatch: batchHandler(applyChunk, stopping.signal),
    });
    logger.info({ groupId: config.groupId, topicPattern: config.topicPattern, format: config.format }, 'cdc consumer started');
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
    status: () => ({ joined, partitions: [...partitions.values()].map((state) => ({ ...state })), lastFreshnessMs }),
  };

  async function stopRunning(): Promise<void> {
    if (running === null) return;
    const { consumer, producer, stopping } = running;
    running = null;
    stopping.abort(new Error('cdc consumer stopping'));
    try {
      await consumer.disconnect();
    } finally {
      joined = false;
      await producer.disconnect();
      logger.info({ groupId: config.groupId }, 'cdc consumer stopped');
    }
  }
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

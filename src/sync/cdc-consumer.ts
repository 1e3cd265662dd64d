import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { RowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { CdcConsumerTuning } from './consumer-tuning.js';
import { DEFAULT_TUNING } from './consumer-tuning.js';
import { errorMessage, GatewayError } from '../errors.js';
import type { ConsumerStatus } from './consumer-status.js';
import { groupByStore } from './consumer-status.js';
import type { ConsumerTrace } from './consumer-trace.js';
import { createDeadLetterPublisher } from './dead-letter.js';
import type { ChunkPreparer } from './prepare-chunk.js';
import { createChunkPreparer } from './prepare-chunk.js';
import { createPartitionWork } from './partition-work.js';
import { consumerClients } from './consumer-clients.js';
import { createSchemaRegistryClient } from './schema-registry-client.js';
import { RetryAborted } from '../retry-backoff.js';
import type { StoreApplier } from './store-applier.js';
import type { OffsetCommitter } from './offset-committer.js';
import { createOffsetCommitter } from './offset-committer.js';

export type { ConsumerStatus, PartitionStatus, StoreStatus } from './consumer-status.js';
export type { ConsumerTrace } from './consumer-trace.js';

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
  let joined = false;
  let running: Running | null = null;
  let committer: OffsetCommitter | null = null;
  const work = createPartitionWork({
    appliers: deps.appliers,
    tuning,
    metrics,
    logger,
    now,
    onCompleted: () => committer?.request(),
    ...(deps.trace === undefined ? {} : { trace: deps.trace }),
  });

  function watchGroup(consumer: Consumer, signal: AbortSignal): void {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      committer?.reset();
      work.newGeneration(payload.memberAssignment, signal);
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
   * One fetched batch of one partition, handed to the partition's intake (partition-intake.ts): the
   * fetch position moves on at once, so the next fetch is in flight while this batch is prepared and
   * applied; the committed offset moves only once every store applied it.
   */
  function batchHandler(prepareChunk: ChunkPreparer, stopping: AbortSignal) {
    return async function eachBatch(payload: EachBatchPayload): Promise<void> {
      const { batch } = payload;
      const first = batch.messages[0];
      const last = batch.messages[batch.messages.length - 1];
      if (first === undefined || last === undefined || stopping.aborted) return;
      const fetchedAtMs = now();
      const pipeline = work.pipelineFor(batch.topic, batch.partition, stopping);
      pipeline.sawBatch(first.offset, batch.highWatermark);
      const intake = work.intakeFor(prepareChunk, pipeline, stopping);
      // kafkajs restarts a consumer whose eachBatch throws: a new generation fetches from the committed offsets.
      if (intake.failure !== undefined) {
        logger.error(
          { topic: batch.topic, partition: batch.partition, err: intake.failure },
          'preparing a fetched batch failed; restarting the consumer',
        );
        throw intake.failure instanceof Error ? intake.failure : new GatewayError('INTERNAL', errorMessage(intake.failure));
      }
      intake.push({ messages: batch.messages, fetchedAtMs });
      payload.resolveOffset(last.offset);
      if (intake.held <= tuning.intakeMessages) return;
      // Over its bound: wait for the intake to drain to half, heartbeating all along (a failed
      // heartbeat, a rebalance, revokes the wait; the messages were not committed).
      const revoked = new AbortController();
      const ticker = setInterval(
        () => {
          payload.heartbeat().catch((error: unknown) => revoked.abort(error));
        },
        Math.max(100, Math.floor(tuning.heartbeatIntervalMs / 3)),
      );
      try {
        await intake.waitForRoom(AbortSignal.any([stopping, revoked.signal]));
      } catch (error) {
        if (!(error instanceof RetryAborted)) throw error;
      } finally {
        clearInterval(ticker);
      }
      // kafkajs must see the rebalance error to rejoin.
      if (revoked.signal.aborted) throw revoked.signal.reason;
    };
  }

  async function start(): Promise<void> {
    const { consumer, producer } = consumerClients(kafka, config.groupId, tuning);
    const stopping = new AbortController();
    running = { consumer, producer, stopping };
    committer = createOffsetCommitter({
      commit: (offsets) => consumer.commitOffsets(offsets),
      positions: () =>
        work.pipelines().flatMap((pipeline) => {
          const completed = pipeline.completedOffset();
          return completed === null
            ? []
            : [{ topic: pipeline.topic, partition: pipeline.partition, offset: (BigInt(completed) + 1n).toString() }];
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
    logger.info(
      {
        groupId: config.groupId,
        topicPattern: config.topicPattern,
        format: config.format,
        stores: deps.appliers.map((applier) => applier.store),
      },
      'cdc consumer started',
    );
  }

  function status(): ConsumerStatus {
    const current = work.pipelines();
    return {
      joined,
      partitions: current.map((pipeline) => pipeline.status()),
      lastFreshnessMs: work.lastFreshnessMs(),
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
      await work.retireAll();
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

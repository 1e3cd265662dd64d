import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ConsumerTrace } from './consumer-trace.js';
import type { CdcConsumerTuning } from './consumer-tuning.js';
import type { PartitionIntake } from './partition-intake.js';
import { createPartitionIntake } from './partition-intake.js';
import type { PartitionPipeline } from './partition-pipeline.js';
import { createPartitionPipeline } from './partition-pipeline.js';
import { preparerFor } from './partition-preparer.js';
import type { ChunkPreparer } from './prepare-chunk.js';
import type { StoreApplier } from './store-applier.js';

/**
 * The consumer's work per assigned partition: its pipeline (one lane per store) and its intake
 * (fetched, not yet prepared), for one group generation at a time.
 */
export interface PartitionWork {
  pipelineFor(topic: string, partition: number, signal: AbortSignal): PartitionPipeline;
  intakeFor(prepareChunk: ChunkPreparer, pipeline: PartitionPipeline, stopping: AbortSignal): PartitionIntake;
  /**
   * A new generation fetches every partition again from its committed offset: work queued in the
   * old one would be applied twice, so it is dropped (an apply in flight just finishes).
   */
  newGeneration(assignment: Readonly<Record<string, readonly number[]>>, signal: AbortSignal): void;
  /** Stops everything: intakes dropped, applies in flight finished. */
  retireAll(): Promise<void>;
  pipelines(): PartitionPipeline[];
  /** Source commit → applied in every store, for the newest change completed. */
  lastFreshnessMs(): number | null;
}

export interface PartitionWorkDependencies {
  readonly appliers: readonly StoreApplier[];
  readonly tuning: CdcConsumerTuning;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** A chunk was applied by every store (the committer may move). */
  readonly onCompleted: () => void;
  readonly trace?: ConsumerTrace;
}

export function createPartitionWork(deps: PartitionWorkDependencies): PartitionWork {
  const { tuning, now } = deps;
  let pipelines = new Map<string, PartitionPipeline>();
  let intakes = new Map<string, PartitionIntake>();
  let lastFreshnessMs: number | null = null;
  const trace = deps.trace === undefined ? {} : { trace: deps.trace };

  function pipelineFor(topic: string, partition: number, signal: AbortSignal): PartitionPipeline {
    const key = `${topic}:${partition}`;
    let pipeline = pipelines.get(key);
    if (pipeline === undefined) {
      pipeline = createPartitionPipeline({
        topic,
        partition,
        appliers: deps.appliers,
        signal,
        tuning: {
          laneCapacity: tuning.storeBacklogChanges,
          maxApplyChanges: tuning.maxApplyChanges,
          retryInitialDelayMs: tuning.retryInitialDelayMs,
          retryMaxDelayMs: tuning.retryMaxDelayMs,
        },
        metrics: deps.metrics,
        logger: deps.logger,
        now,
        onCompleted: (_pipeline, chunk) => {
          if (chunk.newestCommitMs !== null) lastFreshnessMs = Math.max(0, now() - chunk.newestCommitMs);
          deps.onCompleted();
        },
        ...trace,
      });
      pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  function intakeFor(prepareChunk: ChunkPreparer, pipeline: PartitionPipeline, stopping: AbortSignal): PartitionIntake {
    const { topic, partition } = pipeline;
    const key = `${topic}:${partition}`;
    let intake = intakes.get(key);
    if (intake === undefined) {
      const isCurrent = () => pipelines.get(key) === pipeline;
      const process = preparerFor({ prepareChunk, topic, partition, pipeline, chunkSize: tuning.chunkSize, now, isCurrent, ...trace });
      intake = createPartitionIntake({ capacity: tuning.intakeMessages, signal: stopping, process });
      intakes.set(key, intake);
    }
    return intake;
  }

  return {
    pipelineFor,
    intakeFor,
    newGeneration(assignment, signal) {
      const retired = [...pipelines.values()];
      for (const intake of intakes.values()) intake.retire();
      pipelines = new Map();
      intakes = new Map();
      for (const pipeline of retired) {
        pipeline.retire().catch((error: unknown) => deps.logger.error({ err: error }, 'retiring a partition pipeline failed'));
      }
      for (const [topic, list] of Object.entries(assignment)) for (const partition of list) pipelineFor(topic, partition, signal);
    },
    async retireAll() {
      for (const intake of intakes.values()) intake.retire();
      await Promise.all([...pipelines.values()].map((pipeline) => pipeline.retire()));
    },
    pipelines: () => [...pipelines.values()],
    lastFreshnessMs: () => lastFreshnessMs,
  };
}

import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { PartitionStatus } from './consumer-status.js';
import { lagOf, lowestOffset } from './consumer-status.js';
import type { PreparedChunk, Retry } from './prepare-chunk.js';
import { retryUntilDone } from '../retry-backoff.js';
import type { StoreApplier } from './store-applier.js';
import type { ConsumerTrace } from './consumer-trace.js';
import type { StoreLane } from './store-lane.js';
import { createStoreLane } from './store-lane.js';

export interface PipelineTuning {
  /** Changes a store may hold queued before fetching this partition waits for it. */
  readonly laneCapacity: number;
  /** Queued chunks are merged into one apply while it holds fewer changes than this. */
  readonly maxApplyChanges: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
}

export interface PartitionPipelineDependencies {
  readonly topic: string;
  readonly partition: number;
  readonly appliers: readonly StoreApplier[];
  /** Aborted when the consumer stops. */
  readonly signal: AbortSignal;
  readonly tuning: PipelineTuning;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Every store has now applied a further chunk: its offset may be committed. */
  readonly onCompleted: (pipeline: PartitionPipeline, chunk: PreparedChunk) => void;
  readonly trace?: ConsumerTrace;
}

export interface StorePartitionStatus {
  readonly store: StoreApplier['store'];
  readonly status: PartitionStatus;
  readonly freshnessMs: number | null;
  readonly atMs: number | null;
}

export interface PartitionPipeline {
  readonly topic: string;
  readonly partition: number;
  /** A fetched batch starts at `firstOffset`; the partition ends at `highWatermark`. */
  sawBatch(firstOffset: string, highWatermark: string): void;
  /** Resolves once every store has room for another chunk; rejects with RetryAborted when aborted. */
  waitForRoom(signal: AbortSignal): Promise<void>;
  enqueue(chunk: PreparedChunk): void;
  /** Retries for the steps before the stores (dead letters, re-reads), shown in this partition's status. */
  retryFor(firstOffset: string, signal: AbortSignal): Retry;
  /** The last offset every store applied; null before the first. */
  completedOffset(): string | null;
  status(): PartitionStatus;
  storeStatuses(): StorePartitionStatus[];
  /** Drops what is queued, abandons retries; resolves once applies in flight settled. */
  retire(): Promise<void>;
}

/**
 * One assigned partition: a lane per store, each applying the partition's chunks in order at its
 * own pace, and the bookkeeping of which chunks every store has applied (only those may be
 * committed, counted as applied and timed for freshness).
 */
export function createPartitionPipeline(deps: PartitionPipelineDependencies): PartitionPipeline {
  const { topic, partition, tuning, metrics, now } = deps;
  const pending: PreparedChunk[] = [];
  let highWatermark: string | null = null;
  let firstSeen: string | null = null;
  let completed: { offset: string; atMs: number; freshnessMs: number | null } | null = null;
  let preparing: PartitionStatus['retrying'] = null;

  const lanes: StoreLane[] = deps.appliers.map((applier) =>
    createStoreLane({
      applier,
      topic,
      partition,
      signal: deps.signal,
      maxApplyChanges: tuning.maxApplyChanges,
      retryInitialDelayMs: tuning.retryInitialDelayMs,
      retryMaxDelayMs: tuning.retryMaxDelayMs,
      metrics,
      logger: deps.logger,
      now,
      onApplied: () => {
        publishLag();
        completeChunks();
      },
      ...(deps.trace === undefined ? {} : { trace: deps.trace }),
    }),
  );
  const labels = { topic, partition: String(partition) };

  /**
   * Lag gauges, refreshed whenever a store applies and whenever a fetch shows the partition's end:
   * so a stalled store's lag grows while it is stalled instead of showing its last good value.
   */
  function publishLag(): void {
    for (const lane of lanes) {
      const { store, lastAppliedOffset } = lane.state();
      metrics.setGauge('cdc_store_lag', { ...labels, store }, lagOf(highWatermark, lastAppliedOffset, firstSeen) ?? 0);
    }
    if (lanes.length > 0) metrics.setGauge('cdc_lag', labels, lagOf(highWatermark, completed?.offset ?? null, firstSeen) ?? 0);
  }

  function completeChunks(): void {
    const everywhere = lowestOffset(lanes.map((lane) => lane.state().lastAppliedOffset));
    if (everywhere === null) return;
    const through = BigInt(everywhere);
    for (let chunk = pending[0]; chunk !== undefined && BigInt(chunk.lastOffset) <= through; chunk = pending[0]) {
      pending.shift();
      const at = now();
      for (const { entity, change } of chunk.batch.changes) {
        metrics.increment('cdc_changes_applied', { table: entity.table, op: change.op });
        metrics.observeCdcFreshness(Math.max(0, at - change.committedAtMs));
      }
      for (const { entity } of chunk.batch.truncates) metrics.increment('cdc_changes_applied', { table: entity.table, op: 'truncate' });
      completed = {
        offset: chunk.lastOffset,
        atMs: at,
        freshnessMs: chunk.newestCommitMs === null ? (completed?.freshnessMs ?? null) : Math.max(0, at - chunk.newestCommitMs),
      };
      metrics.setGauge('cdc_lag', labels, lagOf(highWatermark, completed.offset, firstSeen) ?? 0);
      metrics.setGauge('cdc_last_applied_ms', labels, at);
      deps.onCompleted(pipeline, chunk);
    }
  }

  const pipeline: PartitionPipeline = {
    topic,
    partition,
    sawBatch(firstOffset, watermark) {
      firstSeen ??= firstOffset;
      highWatermark = watermark;
      publishLag();
    },
    async waitForRoom(signal) {
      for (const lane of lanes) await lane.waitForRoom(lane.capacity ?? tuning.laneCapacity, signal);
    },
    enqueue(chunk) {
      pending.push(chunk);
      for (const lane of lanes) lane.enqueue(chunk);
      // No store at all: the chunk is complete as soon as it was prepared.
      if (lanes.length === 0) completeWithoutStores();
    },
    retryFor(firstOffset, signal) {
      return async (step, attempt) => {
        const result = await retryUntilDone(attempt, {
          signal,
          initialDelayMs: tuning.retryInitialDelayMs,
          maxDelayMs: tuning.retryMaxDelayMs,
          onFailure: (error, failures, delayMs) => {
            metrics.increment('cdc_retries', { step });
            preparing = { step, failures, error: errorMessage(error) };
            deps.logger.warn(
              { topic, partition, offset: firstOffset, step, failures, delayMs, err: error },
              'step failed; retrying the chunk',
            );
          },
        });
        preparing = null;
        return result;
      };
    },
    completedOffset: () => completed?.offset ?? null,
    status() {
      const states = lanes.map((lane) => lane.state());
      return {
        topic,
        partition,
        lag: lagOf(highWatermark, completed?.offset ?? null, firstSeen),
        lastAppliedOffset: completed?.offset ?? null,
        lastAppliedAtMs: completed?.atMs ?? null,
        lastFreshnessMs: completed?.freshnessMs ?? null,
        retrying: preparing ?? states.find((state) => state.retrying !== null)?.retrying ?? null,
      };
    },
    storeStatuses() {
      return lanes.map((lane) => {
        const state = lane.state();
        const status: PartitionStatus = {
          topic,
          partition,
          lag: lagOf(highWatermark, state.lastAppliedOffset, firstSeen),
          lastAppliedOffset: state.lastAppliedOffset,
          lastAppliedAtMs: state.lastAppliedAtMs,
          lastFreshnessMs: state.lastFreshnessMs,
          retrying: state.retrying,
        };
        return { store: state.store, status, freshnessMs: state.lastFreshnessMs, atMs: state.lastAppliedAtMs };
      });
    },
    async retire() {
      pending.length = 0;
      await Promise.all(lanes.map((lane) => lane.retire()));
    },
  };

  function completeWithoutStores(): void {
    for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift()) {
      completed = { offset: chunk.lastOffset, atMs: now(), freshnessMs: completed?.freshnessMs ?? null };
      deps.onCompleted(pipeline, chunk);
    }
  }

  return pipeline;
}

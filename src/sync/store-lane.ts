import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { mergeBatches } from './prepare-batch.js';
import type { PreparedChunk, Retry } from './prepare-chunk.js';
import { RetryAborted, retryUntilDone } from '../retry-backoff.js';
import type { ApplyBatch, ApplyOutcome, StoreApplier } from './store-applier.js';
import type { ConsumerTrace } from './consumer-trace.js';

export interface LaneRetrying {
  readonly step: string;
  readonly failures: number;
  readonly error: string;
}

/** What one store has done with one partition. */
export interface LaneState {
  readonly store: StoreApplier['store'];
  /** Last offset this store applied (with everything before it); null before the first. */
  readonly lastAppliedOffset: string | null;
  readonly lastAppliedAtMs: number | null;
  /** Source commit → applied in this store, for the newest change of the last applied group. */
  readonly lastFreshnessMs: number | null;
  readonly retrying: LaneRetrying | null;
  /** Changes (after collapsing) handed to this lane and not applied yet. */
  readonly heldChanges: number;
}

export interface StoreLaneDependencies {
  readonly applier: StoreApplier;
  readonly topic: string;
  readonly partition: number;
  /** Aborted when the consumer stops; the lane's own retire() aborts it too. */
  readonly signal: AbortSignal;
  /** Queued chunks are merged into one apply up to this many changes (or the applier's own maxBatchChanges). */
  readonly maxApplyChanges: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** A group of chunks was applied: the lane's position is now the last chunk's last offset. */
  readonly onApplied: (chunks: readonly PreparedChunk[]) => void;
  readonly trace?: ConsumerTrace;
}

export interface StoreLane {
  readonly store: StoreApplier['store'];
  /** The applier's own bound on held changes (maxHeldChanges), if it has one. */
  readonly capacity: number | undefined;
  /** Queues a chunk behind the ones already queued; ignored once the lane is retired. */
  enqueue(chunk: PreparedChunk): void;
  /** Resolves once this lane holds fewer than `capacity` changes; rejects with RetryAborted when aborted. */
  waitForRoom(capacity: number, signal: AbortSignal): Promise<void>;
  state(): LaneState;
  /**
   * Stops the lane: queued chunks are dropped (they were never committed and will be consumed
   * again), a retry in progress is abandoned; resolves once an apply already in flight settled.
   */
  retire(): Promise<void>;
}

const NOTHING_APPLIED: ApplyOutcome = { applied: 0, stale: 0 };

interface QueuedGroup {
  readonly chunks: PreparedChunk[];
  batch: ApplyBatch;
  changes: number;
}

const changesIn = (batch: ApplyBatch): number => batch.changes.length + batch.truncates.length;

/**
 * One store's in-order work on one partition. Each store advances at its own pace, so a slow store
 * (Elasticsearch) never delays a fast one (Redis). A chunk arriving while the store is busy is
 * merged into the last queued group while that stays within the apply limit (never across a schema change, which must reach the store
 * before the rows that follow it): a store that falls behind catches up in bigger applies, and
 * what it holds grows with the rows changed, not with the messages, so a backlog of hot rows
 * (the same products updated again and again) costs little memory and never fills the lane.
 */
export function createStoreLane(deps: StoreLaneDependencies): StoreLane {
  const { applier, metrics } = deps;
  const maxApplyChanges = Math.min(deps.maxApplyChanges, applier.maxBatchChanges ?? Number.POSITIVE_INFINITY);
  const queue: QueuedGroup[] = [];
  const retired = new AbortController();
  const signal = AbortSignal.any([deps.signal, retired.signal]);
  const roomWaiters = new Set<() => void>();
  let held = 0;
  let applyingFrom: string | null = null;
  let inFlight: Promise<void> | null = null;
  let state: Omit<LaneState, 'heldChanges' | 'store'> = {
    lastAppliedOffset: null,
    lastAppliedAtMs: null,
    lastFreshnessMs: null,
    retrying: null,
  };

  const retry: Retry = (step, attempt) =>
    retryUntilDone(attempt, {
      signal,
      initialDelayMs: deps.retryInitialDelayMs,
      maxDelayMs: deps.retryMaxDelayMs,
      onFailure: (error, failures, delayMs) => {
        metrics.increment('cdc_retries', { step });
        state = { ...state, retrying: { step, failures, error: errorMessage(error) } };
        const fields = {
          topic: deps.topic,
          partition: deps.partition,
          offset: applyingFrom,
          store: applier.store,
          step,
          failures,
          delayMs,
          err: error,
        };
        // A store that is down is expected now and then; anything else is a bug worth shouting about.
        if (isRetriable(error)) deps.logger.warn(fields, 'store step failed; retrying');
        else deps.logger.error(fields, 'store step failed with a non-retriable error; retrying rather than skipping it');
      },
    });

  async function applyGroup(group: QueuedGroup): Promise<void> {
    const [first] = group.chunks;
    if (first === undefined) return;
    applyingFrom = first.firstOffset;
    for (const { entity, change } of first.schemaChanges) {
      const follow = applier.applySchemaChange?.bind(applier);
      if (follow !== undefined) await retry(`${applier.store}-schema`, () => follow(entity, change));
    }
    const { batch } = group;
    const outcome = changesIn(batch) === 0 ? NOTHING_APPLIED : await retry(applier.store, () => applier.apply(batch));
    if (outcome.stale > 0) metrics.increment('cdc_stale_changes', { store: applier.store }, outcome.stale);
    // An apply that finished after the lane was retired is not reported: its pipeline is gone.
    if (retired.signal.aborted) return;
    const at = deps.now();
    const commits = group.chunks.map((chunk) => chunk.newestCommitMs).filter((ms): ms is number => ms !== null);
    state = {
      lastAppliedOffset: group.chunks[group.chunks.length - 1]?.lastOffset ?? state.lastAppliedOffset,
      lastAppliedAtMs: at,
      lastFreshnessMs: commits.length === 0 ? state.lastFreshnessMs : Math.max(0, at - Math.max(...commits)),
      retrying: null,
    };
    held -= group.changes;
    deps.trace?.applied(applier.store, group.chunks, at);
    deps.onApplied(group.chunks);
    for (const wake of roomWaiters) wake();
  }

  function kick(): void {
    if (inFlight !== null || signal.aborted) return;
    const group = queue.shift();
    if (group === undefined) return;
    inFlight = applyGroup(group)
      .catch((error: unknown) => {
        if (!(error instanceof RetryAborted))
          deps.logger.error({ topic: deps.topic, partition: deps.partition, store: applier.store, err: error }, 'store lane failed');
      })
      .finally(() => {
        inFlight = null;
        kick();
      });
  }

  return {
    store: applier.store,
    capacity: applier.maxHeldChanges,
    enqueue(chunk) {
      if (signal.aborted) return;
      const tail = queue[queue.length - 1];
      // Judged after collapsing: a backlog of hot rows stays one group of one change per row, so a
      // slow store's next apply covers everything queued instead of the queue growing group by group.
      const merged = tail === undefined || chunk.schemaChanges.length > 0 ? null : mergeBatches([tail.batch, chunk.batch]);
      if (tail !== undefined && merged !== null && changesIn(merged) <= maxApplyChanges) {
        tail.batch = merged;
        held += changesIn(merged) - tail.changes;
        tail.changes = changesIn(merged);
        tail.chunks.push(chunk);
      } else {
        queue.push({ chunks: [chunk], batch: chunk.batch, changes: changesIn(chunk.batch) });
        held += changesIn(chunk.batch);
      }
      kick();
    },
    waitForRoom(capacity, waiting) {
      // Called for every chunk: the common case allocates nothing (AbortSignal.any per call would
      // pile up dependents on the consumer's long-lived signal).
      if (waiting.aborted || signal.aborted) return Promise.reject(new RetryAborted(waiting.aborted ? waiting.reason : signal.reason));
      if (held < capacity) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (waiting.aborted || signal.aborted) {
            done();
            reject(new RetryAborted(waiting.aborted ? waiting.reason : signal.reason));
          } else if (held < capacity) {
            done();
            resolve();
          }
        };
        const done = () => {
          roomWaiters.delete(check);
          waiting.removeEventListener('abort', check);
          signal.removeEventListener('abort', check);
        };
        roomWaiters.add(check);
        waiting.addEventListener('abort', check);
        signal.addEventListener('abort', check);
      });
    },
    state: () => ({ store: applier.store, ...state, heldChanges: held }),
    async retire() {
      retired.abort(new Error('store lane retired'));
      queue.length = 0;
      await inFlight;
    },
  };
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

import type { KafkaMessage } from 'kafkajs';
import { RetryAborted } from '../retry-backoff.js';

/*
 * Fetching and preparing, decoupled. kafkajs fetches again only once every eachBatch of the previous
 * fetch returned; preparing a batch inline (decoding, dead letters, re-reads, waiting for a store's
 * room) held the next fetch of every partition behind the slowest one. eachBatch now hands the
 * fetched messages to the partition's intake and returns: the next fetch is in flight while this
 * batch is prepared and applied. Memory stays bounded per partition: past `capacity` messages the
 * partition is paused (kafkajs stops fetching it) and resumed once the intake drained to half.
 */

export interface FetchedBatch {
  readonly messages: readonly KafkaMessage[];
  readonly fetchedAtMs: number;
}

export interface PartitionIntake {
  /** Queues a fetched batch; `pause` is called (once) when the intake is over capacity, with what resumes it. */
  push(batch: FetchedBatch, pause: () => () => void): void;
  /** Messages queued and not yet prepared. */
  readonly held: number;
  /** The error that stopped the intake (a failure other than being aborted), if any. */
  readonly failure: unknown;
  /** Drops what is queued (never committed, fetched again by the next owner) and resumes a paused partition. */
  retire(): void;
}

export interface PartitionIntakeDependencies {
  readonly capacity: number;
  readonly signal: AbortSignal;
  /** Prepares and enqueues one batch for the stores; resolves when it is handed to the lanes. */
  readonly process: (batch: FetchedBatch, signal: AbortSignal) => Promise<void>;
}

export function createPartitionIntake(deps: PartitionIntakeDependencies): PartitionIntake {
  const queue: FetchedBatch[] = [];
  const retired = new AbortController();
  const signal = AbortSignal.any([deps.signal, retired.signal]);
  let held = 0;
  let draining = false;
  let resume: (() => void) | null = null;
  let failure: unknown = undefined;

  function resumeIfPaused(): void {
    const paused = resume;
    resume = null;
    paused?.();
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      for (let batch = queue.shift(); batch !== undefined && !signal.aborted; batch = queue.shift()) {
        await deps.process(batch, signal);
        // Retired meanwhile: the count was reset with the queue.
        if (signal.aborted) return;
        held -= batch.messages.length;
        if (held <= deps.capacity / 2) resumeIfPaused();
      }
    } catch (error) {
      if (!(error instanceof RetryAborted) && !signal.aborted) failure = error;
    } finally {
      draining = false;
    }
  }

  return {
    push(batch, pause) {
      if (signal.aborted || failure !== undefined) return;
      queue.push(batch);
      held += batch.messages.length;
      if (held > deps.capacity && resume === null) resume = pause();
      if (!draining) void drain();
    },
    get held() {
      return held;
    },
    get failure() {
      return failure;
    },
    retire() {
      retired.abort(new Error('partition intake retired'));
      queue.length = 0;
      held = 0;
      resumeIfPaused();
    },
  };
}

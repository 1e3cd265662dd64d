import type { TopicPartitionOffset } from 'kafkajs';
import type { Logger } from '../observability/logger.js';

export interface OffsetCommitterDependencies {
  /** Sends one offset commit (kafkajs consumer.commitOffsets). */
  readonly commit: (offsets: TopicPartitionOffset[]) => Promise<void>;
  /** The next offset to consume per partition, as far as every store has applied. */
  readonly positions: () => TopicPartitionOffset[];
  readonly intervalMs: number;
  readonly logger: Logger;
}

export interface OffsetCommitter {
  /** Progress was made: commit it soon, at most once per interval. */
  request(): void;
  /** Commits every position now (after a commit already in flight); a failure is logged, not thrown. */
  flush(): Promise<void>;
  /** A new group generation: commit positions again even if equal to what this member sent before. */
  reset(): void;
  /** No more commits (the consumer is leaving). */
  close(): void;
}

/**
 * Commits the positions every store has reached, outside kafkajs' own auto-commit (which would
 * commit what was fetched, not what was applied). One commit in flight at a time; a failed commit
 * (typically a rebalance in progress) is simply superseded by the next one.
 */
export function createOffsetCommitter(deps: OffsetCommitterDependencies): OffsetCommitter {
  const sent = new Map<string, string>();
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastCommitAt = 0;
  let closed = false;

  /** Resolves false when the commit failed (it is then tried again an interval later). */
  async function commitNow(): Promise<boolean> {
    const changed = deps.positions().filter(({ topic, partition, offset }) => sent.get(`${topic}:${partition}`) !== offset);
    if (changed.length === 0) return true;
    try {
      await deps.commit(changed);
      for (const { topic, partition, offset } of changed) sent.set(`${topic}:${partition}`, offset);
      return true;
    } catch (error) {
      deps.logger.warn({ err: error, offsets: changed }, 'offset commit failed; retrying with the next commit');
      return false;
    }
  }

  function fire(): void {
    timer = null;
    if (closed) return;
    if (inFlight !== null) {
      void inFlight.finally(request);
      return;
    }
    inFlight = commitNow().then((committed) => {
      inFlight = null;
      lastCommitAt = Date.now();
      if (!committed) request();
    });
  }

  function request(): void {
    if (closed || timer !== null) return;
    timer = setTimeout(fire, Math.max(0, lastCommitAt + deps.intervalMs - Date.now()));
    timer.unref();
  }

  return {
    request,
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await inFlight;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await commitNow();
    },
    reset() {
      sent.clear();
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

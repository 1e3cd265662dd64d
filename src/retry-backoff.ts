import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown when retrying stops because the consumer is stopping or the batch was revoked; nothing was applied. */
export class RetryAborted extends Error {
  constructor(reason: unknown) {
    super('retry aborted', { cause: reason });
    this.name = 'RetryAborted';
  }
}

export interface RetryOptions {
  readonly signal: AbortSignal;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Told about every failure before the wait that follows it. */
  readonly onFailure: (error: unknown, failures: number, delayMs: number) => void;
}

/** Capped exponential backoff: initial, 2×, 4×, … up to max. */
export function backoffDelay(failures: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Runs `attempt` until it succeeds. Every failure is retried, retriable or not: the caller's
 * promise is that nothing is committed unapplied, so the alternative to retrying is skipping data.
 * Aborting the signal ends the wait at once and rejects with RetryAborted; an attempt already in
 * flight is awaited first, so no work outlives the call.
 */
export async function retryUntilDone<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let failures = 1; ; failures += 1) {
    if (options.signal.aborted) throw new RetryAborted(options.signal.reason);
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted) throw new RetryAborted(options.signal.reason);
      const delayMs = backoffDelay(failures, options.initialDelayMs, options.maxDelayMs);
      options.onFailure(error, failures, delayMs);
      try {
        await sleep(delayMs, undefined, { signal: options.signal });
      } catch {
        throw new RetryAborted(options.signal.reason);
      }
    }
  }
}

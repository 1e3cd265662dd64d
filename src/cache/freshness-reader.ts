import type { RedisConnection } from './redis-client.js';
import type { StoreWatermark } from './sync-watermarks.js';
import { readStoreWatermarks } from './sync-watermarks.js';

/**
 * The consumers' watermarks as the API reads them: one HGETALL at most every `memoMs` for the whole
 * process (not one per request), shared by concurrent requests. Redis unreachable: nothing is known,
 * and every bound is reported as unknown rather than guessed.
 */
export interface FreshnessReader {
  read(): Promise<ReadonlyMap<string, StoreWatermark>>;
}

export interface FreshnessReaderDependencies {
  readonly redis: RedisConnection;
  readonly keyPrefix: string;
  readonly memoMs: number;
  /** An entry its consumer has not rewritten for this long counts as not caught up. */
  readonly staleAfterMs: number;
  readonly now?: () => number;
}

const NOTHING_KNOWN: ReadonlyMap<string, StoreWatermark> = new Map();

export function createFreshnessReader(deps: FreshnessReaderDependencies): FreshnessReader {
  const now = deps.now ?? Date.now;
  let memo: { atMs: number; value: Promise<ReadonlyMap<string, StoreWatermark>> } | null = null;
  return {
    read() {
      const at = now();
      if (memo !== null && at - memo.atMs < deps.memoMs) return memo.value;
      const value = readStoreWatermarks(deps.redis, deps.keyPrefix, at, deps.staleAfterMs).catch(() => NOTHING_KNOWN);
      memo = { atMs: at, value };
      return value;
    },
  };
}

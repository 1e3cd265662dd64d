import type { RedisConnection } from './redis-client.js';

/*
 * The consumer's watermarks, shared through Redis so that every gateway process (an --api-only
 * instance too) can state a true staleness bound. One hash field per store and partition, written by
 * whichever consumer owns the partition; the hash expires when no consumer writes it any more, so a
 * dead consumer's last watermarks are not reported as current.
 */

export interface PartitionWatermarkEntry {
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** Every message appended to the partition before this instant is applied in the store; null: not yet known. */
  readonly watermarkMs: number | null;
  readonly caughtUp: boolean;
  /** Source commit time of the newest change the store applied from this partition; null before the first. */
  readonly newestCommitMs: number | null;
  /** When the consumer wrote this entry. */
  readonly writtenAtMs: number;
}

/** Per store, the bound over every partition the consumers reported. */
export interface StoreWatermark {
  /** The lowest partition watermark; null when some partition has none yet. */
  readonly appliedThroughMs: number | null;
  readonly caughtUp: boolean;
  readonly newestAppliedCommitMs: number | null;
}

export const watermarksKey = (keyPrefix: string): string => `${keyPrefix}#sync:watermarks`;

const fieldOf = (entry: PartitionWatermarkEntry) => `${entry.store}|${entry.topic}|${entry.partition}`;

export async function publishWatermarks(
  redis: RedisConnection,
  keyPrefix: string,
  entries: readonly PartitionWatermarkEntry[],
  ttlMs: number,
): Promise<void> {
  if (entries.length === 0) return;
  const key = watermarksKey(keyPrefix);
  const fields = entries.flatMap((entry) => [fieldOf(entry), JSON.stringify(entry)]);
  await redis
    .multi()
    .hset(key, ...fields)
    .pexpire(key, ttlMs)
    .exec();
}

/**
 * Reads every partition's entry and folds them per store. An entry not rewritten within `staleAfterMs`
 * (its consumer stopped, or lost the partition and the new owner has not written yet) keeps its old
 * watermark and counts as not caught up: the bound only ever errs towards older.
 */
export async function readStoreWatermarks(
  redis: RedisConnection,
  keyPrefix: string,
  nowMs: number,
  staleAfterMs: number,
): Promise<Map<string, StoreWatermark>> {
  const raw = await redis.hgetall(watermarksKey(keyPrefix));
  const byStore = new Map<string, { through: number | null; known: boolean; caughtUp: boolean; newest: number | null }>();
  for (const text of Object.values(raw)) {
    const entry = parseEntry(text);
    if (entry === null) continue;
    const folded = byStore.get(entry.store) ?? { through: null, known: true, caughtUp: true, newest: null };
    if (entry.watermarkMs === null) folded.known = false;
    else folded.through = folded.through === null ? entry.watermarkMs : Math.min(folded.through, entry.watermarkMs);
    folded.caughtUp &&= entry.caughtUp && nowMs - entry.writtenAtMs <= staleAfterMs;
    if (entry.newestCommitMs !== null) folded.newest = Math.max(folded.newest ?? 0, entry.newestCommitMs);
    byStore.set(entry.store, folded);
  }
  return new Map(
    [...byStore].map(([store, folded]) => [
      store,
      { appliedThroughMs: folded.known ? folded.through : null, caughtUp: folded.caughtUp, newestAppliedCommitMs: folded.newest },
    ]),
  );
}

function parseEntry(text: string): PartitionWatermarkEntry | null {
  try {
    const entry = JSON.parse(text) as Partial<PartitionWatermarkEntry>;
    if (typeof entry.store !== 'string' || typeof entry.writtenAtMs !== 'number' || typeof entry.caughtUp !== 'boolean') return null;
    return entry as PartitionWatermarkEntry;
  } catch {
    return null;
  }
}

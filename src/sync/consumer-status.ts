import type { StoreApplier } from './store-applier.js';

export interface PartitionStatus {
  readonly topic: string;
  readonly partition: number;
  /** Messages after the last applied one, as of the last batch fetched; null before the first. */
  readonly lag: number | null;
  readonly lastAppliedOffset: string | null;
  readonly lastAppliedAtMs: number | null;
  /** Source commit → applied, for the newest change of the last applied chunk. */
  readonly lastFreshnessMs: number | null;
  /** Set while a step keeps failing (the partition, or this store's lane of it, is stalled). */
  readonly retrying: { readonly step: string; readonly failures: number; readonly error: string } | null;
}

/** One store's view: each store applies on its own, so each has its own position, lag and freshness. */
export interface StoreStatus {
  readonly store: StoreApplier['store'];
  readonly partitions: readonly PartitionStatus[];
  /** Source commit → applied in this store, for the newest change it applied. */
  readonly lastFreshnessMs: number | null;
}

/**
 * The consumer as a whole: `partitions` and `lastFreshnessMs` count a message as applied once every
 * store applied it (which is also what the group commits), `stores` gives each store's own view.
 * `stores` is absent only in statuses built by hand (tests of the HTTP side).
 */
export interface ConsumerStatus {
  readonly joined: boolean;
  readonly partitions: readonly PartitionStatus[];
  readonly lastFreshnessMs: number | null;
  readonly stores?: readonly StoreStatus[];
}

/** Messages between a position and the high watermark; `position` null means nothing applied since `firstSeen`. */
export function lagOf(highWatermark: string | null, position: string | null, firstSeen: string | null): number | null {
  if (highWatermark === null || firstSeen === null) return null;
  const next = position === null ? BigInt(firstSeen) : BigInt(position) + 1n;
  const lag = BigInt(highWatermark) - next;
  return lag > 0n ? Number(lag) : 0;
}

/** The lowest of the offsets, or null when any is null (some store has applied nothing yet). */
export function lowestOffset(offsets: readonly (string | null)[]): string | null {
  let lowest: bigint | null = null;
  for (const offset of offsets) {
    if (offset === null) return null;
    const value = BigInt(offset);
    if (lowest === null || value < lowest) lowest = value;
  }
  return lowest === null ? null : lowest.toString();
}

/** Per-store partition lists, grouped by store in the order the stores were first seen. */
export function groupByStore(
  entries: readonly {
    readonly store: StoreApplier['store'];
    readonly status: PartitionStatus;
    readonly freshnessMs: number | null;
    readonly atMs: number | null;
  }[],
): StoreStatus[] {
  const byStore = new Map<
    StoreApplier['store'],
    { partitions: PartitionStatus[]; freshest: { atMs: number; freshnessMs: number } | null }
  >();
  for (const { store, status, freshnessMs, atMs } of entries) {
    const entry = byStore.get(store) ?? { partitions: [], freshest: null };
    entry.partitions.push(status);
    if (freshnessMs !== null && atMs !== null && (entry.freshest === null || atMs > entry.freshest.atMs))
      entry.freshest = { atMs, freshnessMs };
    byStore.set(store, entry);
  }
  return [...byStore].map(([store, { partitions, freshest }]) => ({ store, partitions, lastFreshnessMs: freshest?.freshnessMs ?? null }));
}

/*
 * A watermark says "every message appended to this partition before T is applied in this store".
 * It comes from probes of the partition's end offset: a probe taken at T that found the end at E is
 * satisfied once the store's position (the next offset it will apply) reaches E. The watermark is
 * then T of the latest satisfied probe. Idle and caught up, it follows the probes (age ≈ the probe
 * interval), however long ago the last change was; behind, it is the moment the store was last
 * level with the partition's end, which is the true bound on what it may be missing.
 */

export interface EndProbe {
  readonly atMs: number;
  /** The partition's end offset at `atMs` (the offset the next appended message gets). */
  readonly end: bigint;
}

export interface PartitionWatermark {
  /** Records a probe; probes must be recorded in time order. */
  probed(probe: EndProbe): void;
  /** Moves the watermark to the latest probe `position` satisfies; returns it (null before any). */
  advance(position: bigint): number | null;
  /** Whether `position` had reached the end found by the latest probe. */
  caughtUp(position: bigint): boolean;
  readonly watermarkMs: number | null;
}

/** Unsatisfied probes kept at most: a store far behind then keeps its older watermark, never an invented newer one. */
const MAX_PENDING_PROBES = 4096;

export function createPartitionWatermark(): PartitionWatermark {
  const pending: EndProbe[] = [];
  let latest: EndProbe | null = null;
  let watermarkMs: number | null = null;
  return {
    probed(probe) {
      latest = probe;
      pending.push(probe);
      if (pending.length > MAX_PENDING_PROBES) pending.splice(0, pending.length - MAX_PENDING_PROBES);
    },
    advance(position) {
      let satisfied = -1;
      for (let index = 0; index < pending.length; index += 1) {
        if ((pending[index] as EndProbe).end <= position) satisfied = index;
      }
      if (satisfied >= 0) {
        const probe = pending[satisfied] as EndProbe;
        if (watermarkMs === null || probe.atMs > watermarkMs) watermarkMs = probe.atMs;
        pending.splice(0, satisfied + 1);
      }
      return watermarkMs;
    },
    caughtUp: (position) => latest !== null && position >= latest.end,
    get watermarkMs() {
      return watermarkMs;
    },
  };
}

import type { Admin } from 'kafkajs';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { PartitionWatermarkEntry } from '../cache/sync-watermarks.js';
import type { ConsumerStatus } from './consumer-status.js';
import type { PartitionWatermark } from './partition-watermark.js';
import { createPartitionWatermark } from './partition-watermark.js';

/*
 * Probes the end offsets of the partitions this consumer owns (one ListOffsets per topic per tick),
 * moves each store's partition watermarks (partition-watermark.ts) and publishes them. A store's
 * position on a partition is the offset after the last one it applied, or, when it applied nothing
 * since joining, the group's committed offset (where its fetching started).
 */

export interface WatermarkProberDependencies {
  readonly admin: Admin;
  readonly groupId: string;
  readonly status: () => ConsumerStatus;
  readonly publish: (entries: readonly PartitionWatermarkEntry[]) => Promise<void>;
  readonly intervalMs: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface WatermarkProber {
  /** One probe and publication (the timer's tick; tests call it directly). */
  probeOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startWatermarkProber(deps: WatermarkProberDependencies): WatermarkProber {
  const now = deps.now ?? Date.now;
  const watermarks = new Map<string, PartitionWatermark>();
  let running: Promise<void> | null = null;
  let warnedAtMs = 0;

  const watermarkOf = (key: string) => {
    let watermark = watermarks.get(key);
    if (watermark === undefined) watermarks.set(key, (watermark = createPartitionWatermark()));
    return watermark;
  };

  async function probeOnce(): Promise<void> {
    const before = deps.status();
    const stores = before.stores ?? [];
    const topics = [...new Set(stores.flatMap((store) => store.partitions.map((partition) => partition.topic)))];
    if (!before.joined || topics.length === 0) return;
    const atMs = now();
    const [ends, committed] = await Promise.all([
      Promise.all(topics.map(async (topic) => ({ topic, offsets: await deps.admin.fetchTopicOffsets(topic) }))),
      deps.admin.fetchOffsets({ groupId: deps.groupId, topics }),
    ]);
    const committedOf = new Map(
      committed.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => [`${topic}:${partition}`, offset])),
    );
    const endOf = new Map(
      ends.flatMap(({ topic, offsets }) => offsets.map(({ partition, high }) => [`${topic}:${partition}`, BigInt(high)])),
    );
    // Positions are read after the probe answered: what was applied meanwhile counts, as it should.
    const entries: PartitionWatermarkEntry[] = [];
    for (const store of deps.status().stores ?? []) {
      let oldest: number | null = null;
      for (const partition of store.partitions) {
        const key = `${partition.topic}:${partition.partition}`;
        const end = endOf.get(key);
        if (end === undefined) continue;
        const watermark = watermarkOf(`${store.store}|${key}`);
        watermark.probed({ atMs, end });
        const position = positionOf(partition.lastAppliedOffset, committedOf.get(key));
        const watermarkMs = watermark.advance(position);
        const newestCommitMs =
          partition.lastAppliedAtMs === null || partition.lastFreshnessMs === null
            ? null
            : partition.lastAppliedAtMs - partition.lastFreshnessMs;
        entries.push({
          store: store.store,
          topic: partition.topic,
          partition: partition.partition,
          watermarkMs,
          caughtUp: watermark.caughtUp(position),
          newestCommitMs,
          writtenAtMs: now(),
        });
        if (watermarkMs !== null) oldest = oldest === null ? watermarkMs : Math.min(oldest, watermarkMs);
      }
      if (oldest !== null) deps.metrics.setGauge('cdc_watermark_age', { store: store.store }, Math.max(0, now() - oldest) / 1000);
    }
    await deps.publish(entries);
  }

  const timer = setInterval(() => {
    if (running !== null) return;
    running = probeOnce()
      .catch((error: unknown) => {
        // Kafka or Redis briefly away: the published watermarks simply age (and expire), which is the truth.
        if (now() - warnedAtMs > 10_000) {
          warnedAtMs = now();
          deps.logger.warn({ err: errorMessage(error) }, 'watermark probe failed');
        }
      })
      .finally(() => {
        running = null;
      });
  }, deps.intervalMs);
  timer.unref();

  return {
    probeOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

function positionOf(lastAppliedOffset: string | null, committed: string | undefined): bigint {
  const applied = lastAppliedOffset === null ? -1n : BigInt(lastAppliedOffset) + 1n;
  // kafkajs reports "-1" for a group that never committed on the partition.
  const start = committed === undefined || committed === '-1' ? 0n : BigInt(committed);
  return applied > start ? applied : start;
}

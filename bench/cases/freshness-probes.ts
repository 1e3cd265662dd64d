import type { Client } from '@elastic/elasticsearch';
import type { BenchChild } from '../child-process.js';
import type { KafkaArrival } from '../workers/kafka-watcher.js';
import { percentile } from '../stats.js';

export interface LatencyFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
  /** Samples not seen within the probe timeout (they count against the target). */
  readonly timedOut: number;
}

export const PROBE_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Epoch ms with sub-ms precision: comparable with the writer process's commit stamps. */
const epochMs = () => performance.timeOrigin + performance.now();

export function createLatencyRecorder(): { record(ms: number | null): void; figures(): LatencyFigures } {
  const samples: number[] = [];
  let timedOut = 0;
  return {
    record(ms) {
      if (ms === null) timedOut += 1;
      else samples.push(Math.max(0, ms));
    },
    figures: () => ({
      p50Ms: percentile(samples, 0.5),
      p99Ms: percentile(samples, 0.99),
      maxMs: samples.length === 0 ? Number.NaN : Math.max(...samples),
      samples: samples.length,
      timedOut,
    }),
  };
}

/** Poll intervals by time since the commit: [until ms, every ms], then every `last` ms. */
export interface PollSchedule {
  readonly steps: readonly (readonly [number, number])[];
  readonly last: number;
}

/** GraphQL: 10 ms resolution up to twice the 250 ms target, coarser after. */
export const GRAPHQL_POLLS: PollSchedule = { steps: [[500, 10], [2_000, 50]], last: 200 };
/** Search: 20 ms resolution up to twice the refresh-based target; each poll is a search, so fewer. */
export const SEARCH_POLLS: PollSchedule = { steps: [[2_000, 20]], last: 200 };

/**
 * Polls until `seen()` holds; resolves with the epoch ms it was first seen, or null after the probe
 * timeout. Fine resolution where the targets are, coarse beyond, so that the probes themselves do
 * not load the gateway and Elasticsearch (which the consumer needs) when the pipeline falls behind.
 */
export async function pollUntil(seen: () => Promise<boolean>, sinceEpochMs: number, schedule: PollSchedule): Promise<number | null> {
  for (;;) {
    if (await seen()) return epochMs();
    const elapsed = epochMs() - sinceEpochMs;
    if (elapsed > PROBE_TIMEOUT_MS) return null;
    await sleep(schedule.steps.find(([until]) => elapsed < until)?.[1] ?? schedule.last);
  }
}

/**
 * When each (id, stock) after-image reached Kafka, as reported by the watcher process: commit →
 * Kafka is Debezium's share of the freshness, the rest is the gateway's.
 */
export function kafkaArrivals(watcher: BenchChild<unknown>): { arrivalOf(id: number, stock: number): Promise<number | null> } {
  const arrived = new Map<string, number>();
  watcher.onEvent((payload) => {
    const { id, stock, arrivedAtMs } = payload as KafkaArrival;
    arrived.set(`${id}:${stock}`, arrivedAtMs);
  });
  return {
    async arrivalOf(id, stock) {
      const deadline = epochMs() + PROBE_TIMEOUT_MS;
      for (;;) {
        const at = arrived.get(`${id}:${stock}`);
        if (at !== undefined) return at;
        if (epochMs() > deadline) return null;
        await sleep(20);
      }
    },
  };
}

/** The index's refresh interval in ms (the search target is that plus 300 ms). */
export async function refreshIntervalMs(client: Client, alias: string): Promise<number> {
  const settings = await client.indices.getSettings({ index: alias, include_defaults: true });
  const index = Object.values(settings)[0];
  const raw = String(index?.settings?.index?.refresh_interval ?? index?.defaults?.index?.refresh_interval ?? '1s');
  const match = /^(\d+)(ms|s|m)?$/.exec(raw);
  if (match === null) return 1_000;
  const value = Number(match[1]);
  return match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1_000;
}

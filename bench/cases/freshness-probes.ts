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

/** One sampled commit: the row, the value it wrote, and when the commit returned to the writer. */
export interface ProbeSample {
  readonly id: number;
  readonly stock: number;
  readonly committedAtMs: number;
}

/** What one poll saw: each asked id's current stock (absent: not found). */
export type StockLookup = (ids: readonly number[]) => Promise<ReadonlyMap<number, number>>;

/** GraphQL is polled every 10 ms (a 4% resolution of the 250 ms target), search every 20 ms. */
export const GRAPHQL_POLL_MS = 10;
export const SEARCH_POLL_MS = 20;

/**
 * Polls for every outstanding sample at once: one request per `everyMs` asks for all the rows
 * still awaited, so the probes' load stays at 1000 / `everyMs` requests a second however far the
 * pipeline falls behind (one poller per sample made hundreds of requests a second compete with the
 * gateway's own work). `watch` resolves with the epoch ms of the first answer showing the sample's
 * value (or a later one), or null after the probe timeout.
 */
export function createBatchedPoller(
  lookup: StockLookup,
  everyMs: number,
): { watch(sample: ProbeSample): Promise<number | null>; stop(): Promise<void>; failedPolls(): number } {
  const waiting = new Set<{ sample: ProbeSample; resolve: (at: number | null) => void }>();
  let running = true;
  let failed = 0;
  const poll = async (ids: readonly number[]): Promise<ReadonlyMap<number, number>> => {
    try {
      return await lookup(ids);
    } catch {
      // Counted and reported: a failing poll sees nothing, so its samples can only get later.
      failed += 1;
      return new Map();
    }
  };
  const loop = (async () => {
    while (running || waiting.size > 0) {
      if (waiting.size > 0) {
        const seen = await poll([...new Set([...waiting].map(({ sample }) => sample.id))]);
        const at = epochMs();
        for (const entry of waiting) {
          if ((seen.get(entry.sample.id) ?? Number.NEGATIVE_INFINITY) >= entry.sample.stock) entry.resolve(at);
          else if (at - entry.sample.committedAtMs > PROBE_TIMEOUT_MS) entry.resolve(null);
          else continue;
          waiting.delete(entry);
        }
      }
      await sleep(everyMs);
    }
  })();
  return {
    watch: (sample) => new Promise((resolve) => waiting.add({ sample, resolve })),
    failedPolls: () => failed,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * When each (id, stock) after-image reached Kafka, as reported by the watcher process: commit →
 * Kafka is Debezium's share of the freshness, the rest is the gateway's.
 */
export function kafkaArrivals(watcher: BenchChild<unknown>): { arrivalOf(id: number, stock: number): Promise<KafkaArrival | null> } {
  const arrived = new Map<string, KafkaArrival>();
  watcher.onEvent((payload) => {
    const arrival = payload as KafkaArrival;
    arrived.set(`${arrival.id}:${arrival.stock}`, arrival);
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

import type { BenchContext } from '../bench-context.js';
import type { FreshnessOptions, FreshnessResults } from './freshness.js';
import { runFreshnessCase } from './freshness.js';

/*
 * F3: the highest commit rate at which search keeps up. At each rate the F1 pipeline runs for a
 * sustained window; a lag that keeps up stays flat, one that does not grows with time. Flat is
 * judged by a least-squares line through the samples' commit → searchable latencies: grown by less
 * than one second over the window, and no sample unseen. Debezium's own share (commit → Kafka) gets
 * the same test in the same run: above the rate Debezium sustains, no consumer can keep up.
 */

export interface RateStep {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly seconds: number;
  readonly search: Trend;
  readonly debezium: Trend;
}

export interface Trend {
  /** Latency growth over the window by the fitted line, ms. */
  readonly growthMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly unseen: number;
  readonly flat: boolean;
}

export interface SustainedResults {
  readonly steps: readonly RateStep[];
  /** Highest target rate whose search lag stayed flat (null: none did). */
  readonly searchKeepsUpTo: number | null;
  readonly debeziumKeepsUpTo: number | null;
}

const FLAT_GROWTH_MS = 1_000;

export function parseSustainedFlags(argv: readonly string[]): { rates: number[]; seconds: number } {
  const at = (flag: string) => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  const rates = (at('--f3-rates') ?? '500,1000,1500,2000').split(',').map((rate) => Number(rate.trim()));
  const seconds = Number(at('--f3-seconds') ?? 300);
  if (rates.some((rate) => !Number.isInteger(rate) || rate < 1) || !Number.isInteger(seconds) || seconds < 5)
    throw new Error('--f3-rates takes positive integers, --f3-seconds an integer ≥ 5');
  return { rates, seconds };
}

export async function runSustainedRateCase(
  context: BenchContext,
  f1: FreshnessOptions,
  plan: { rates: readonly number[]; seconds: number },
): Promise<SustainedResults> {
  const steps: RateStep[] = [];
  for (const rate of plan.rates) {
    context.log(`F3: ${rate} commits/s for ${plan.seconds} s`);
    const stepContext: BenchContext = { ...context, options: { ...context.options, writerRate: rate, freshnessSeconds: plan.seconds } };
    const result = await runFreshnessCase(stepContext, { ...f1, profile: false });
    const step = stepOf(rate, plan.seconds, result);
    context.log(
      `  F3 ${rate}/s: achieved ${Math.round(step.achievedRate)}/s; search lag grew ${Math.round(step.search.growthMs)} ms (${step.search.unseen} unseen); Debezium's grew ${Math.round(step.debezium.growthMs)} ms`,
    );
    steps.push(step);
  }
  const highest = (flat: (step: RateStep) => boolean) =>
    steps.filter(flat).reduce<number | null>((best, step) => Math.max(best ?? 0, step.targetRate), null);
  return { steps, searchKeepsUpTo: highest((step) => step.search.flat), debeziumKeepsUpTo: highest((step) => step.debezium.flat) };
}

function stepOf(rate: number, seconds: number, result: FreshnessResults): RateStep {
  const series = result.series ?? [];
  return {
    targetRate: rate,
    achievedRate: result.commitsPerSecond,
    seconds,
    search: trendOf(
      series.map((sample) => [sample.committedAtMs, sample.searchMs]),
      result.search,
    ),
    debezium: trendOf(
      series.map((sample) => [sample.committedAtMs, sample.kafkaMs]),
      result.kafka,
    ),
  };
}

function trendOf(points: readonly (readonly [number, number | null])[], figures: FreshnessResults['search']): Trend {
  const seen = points.filter((point): point is readonly [number, number] => point[1] !== null);
  const growthMs = seen.length < 2 ? Number.NaN : slope(seen) * (Math.max(...seen.map(([at]) => at)) - Math.min(...seen.map(([at]) => at)));
  const unseen = points.length - seen.length;
  return { growthMs, p50Ms: figures.p50Ms, p99Ms: figures.p99Ms, unseen, flat: unseen === 0 && growthMs < FLAT_GROWTH_MS };
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

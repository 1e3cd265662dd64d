import type { BenchChild } from '../child-process.js';
import type { LoadResult, LoadSpec, VariableSpec } from '../load/load-spec.js';
import { counterDeltas, median } from '../stats.js';

/** What a bench server reports about itself over IPC (gateways add their counters). */
export interface ServerUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly counters?: Readonly<Record<string, number>>;
}

export type ServerChild = BenchChild<{ readonly url: string }>;

/** One load case against one server: what is sent and what to do before each round. */
export interface HttpCase {
  readonly id: string;
  readonly label: string;
  /** A bench child reports its CPU and counters; an outside server (Elasticsearch) is given by URL. */
  readonly server: ServerChild | { readonly url: string };
  readonly protocol?: 'graphql' | 'json';
  readonly query: string;
  readonly variables: Readonly<Record<string, VariableSpec>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A fixed request count per round instead of the duration. */
  readonly amount?: number;
  /** Sample the server's RSS during the rounds (M1). */
  readonly sampleMemory?: boolean;
  readonly beforeRound?: () => Promise<void>;
}

export interface RoundResult {
  readonly load: LoadResult;
  readonly serverCpuSeconds: number;
  readonly cpuMsPerRequest: number;
  readonly peakRssBytes: number | null;
  /** Counter increases during the round (gateways only), e.g. sql_queries, cache_hits. */
  readonly counters: Readonly<Record<string, number>>;
}

export interface CaseResult {
  readonly id: string;
  readonly label: string;
  readonly rounds: readonly RoundResult[];
  readonly median: {
    readonly requestsPerSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly cpuMsPerRequest: number;
    readonly generatorCpuMsPerRequest: number;
    readonly peakRssBytes: number | null;
  };
  /** Median over rounds of counter increase per request. */
  readonly perRequest: Readonly<Record<string, number>>;
  readonly failures: number;
  readonly sampleFailure: string | null;
}

export interface RoundSettings {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

/** Warm-ups always run for a duration; measured rounds use the case's fixed amount if it has one. */
function urlOf(testCase: HttpCase): string {
  return 'ready' in testCase.server ? testCase.server.ready.url : testCase.server.url;
}

function childOf(testCase: HttpCase): ServerChild | null {
  return 'ready' in testCase.server ? testCase.server : null;
}

function specOf(testCase: HttpCase, settings: RoundSettings, warmup: boolean): LoadSpec {
  return {
    url: urlOf(testCase),
    ...(testCase.protocol === undefined ? {} : { protocol: testCase.protocol }),
    connections: settings.connections,
    durationSeconds: warmup ? settings.warmupSeconds : settings.durationSeconds,
    ...(testCase.amount === undefined || warmup ? {} : { amount: testCase.amount }),
    query: testCase.query,
    variables: testCase.variables,
    ...(testCase.headers === undefined ? {} : { headers: testCase.headers }),
  };
}

/** Polls the server's RSS while a round runs; resolves with the peak. */
function sampleRss(server: ServerChild, everyMs: number): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const usage = await server.request<ServerUsage>('usage');
      peak = Math.max(peak, usage.rssBytes);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

export async function measureRound(load: BenchChild<unknown>, testCase: HttpCase, settings: RoundSettings): Promise<RoundResult> {
  await testCase.beforeRound?.();
  const server = childOf(testCase);
  const unknown: ServerUsage = { cpuSeconds: Number.NaN, rssBytes: 0, heapUsedBytes: 0 };
  const before = server === null ? unknown : await server.request<ServerUsage>('usage');
  const sampler = testCase.sampleMemory === true && server !== null ? sampleRss(server, 250) : null;
  const result = await load.request<LoadResult>('run', specOf(testCase, settings, false));
  const peakRssBytes = sampler === null ? null : await sampler.stop();
  // Requests still in flight when the round ended are finished by the server: wait for them, and
  // divide the server's CPU and counters by every request sent rather than only those answered.
  await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, Math.max(50, 2 * result.latencyMs.p99))));
  const after = server === null ? unknown : await server.request<ServerUsage>('usage');
  const serverCpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return {
    load: result,
    serverCpuSeconds,
    cpuMsPerRequest: result.sent === 0 ? Number.NaN : (serverCpuSeconds * 1000) / result.sent,
    peakRssBytes,
    counters: counterDeltas(before.counters ?? {}, after.counters ?? {}),
  };
}

export function summarizeCase(testCase: HttpCase, rounds: readonly RoundResult[]): CaseResult {
  const counterNames = new Set(rounds.flatMap((round) => Object.keys(round.counters)));
  const perRequest: Record<string, number> = {};
  for (const name of counterNames) {
    const values = rounds.map((round) => (round.load.sent === 0 ? 0 : (round.counters[name] ?? 0) / round.load.sent));
    if (values.some((value) => value !== 0)) perRequest[name] = median(values);
  }
  const peaks = rounds.flatMap((round) => (round.peakRssBytes === null ? [] : [round.peakRssBytes]));
  const failures = rounds.reduce((sum, round) => {
    const f = round.load.failures;
    return sum + f.errors + f.timeouts + f.non2xx + f.graphqlErrors;
  }, 0);
  return {
    id: testCase.id,
    label: testCase.label,
    rounds,
    median: {
      requestsPerSecond: median(rounds.map((round) => round.load.requestsPerSecond)),
      p50Ms: median(rounds.map((round) => round.load.latencyMs.p50)),
      p99Ms: median(rounds.map((round) => round.load.latencyMs.p99)),
      cpuMsPerRequest: median(rounds.map((round) => round.cpuMsPerRequest)),
      generatorCpuMsPerRequest: median(rounds.map((round) => round.load.generatorCpuMsPerRequest)),
      peakRssBytes: peaks.length === 0 ? null : Math.max(...peaks),
    },
    perRequest,
    failures,
    sampleFailure: rounds.map((round) => round.load.sampleFailure).find((sample) => sample !== null) ?? null,
  };
}

/**
 * Warms every case's server once, then runs the rounds interleaved (round 1 of every case, then
 * round 2…), so drift on the shared machine hits a case and its baseline alike.
 */
export async function runInterleaved(
  load: BenchChild<unknown>,
  cases: readonly HttpCase[],
  settings: RoundSettings,
  log: (line: string) => void,
): Promise<CaseResult[]> {
  for (const testCase of cases) {
    if (settings.warmupSeconds > 0) {
      await testCase.beforeRound?.();
      await load.request<LoadResult>('run', specOf(testCase, settings, true));
    }
  }
  const rounds = new Map<string, RoundResult[]>(cases.map((testCase) => [testCase.id, []]));
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const testCase of cases) {
      const result = await measureRound(load, testCase, settings);
      rounds.get(testCase.id)?.push(result);
      log(
        `  ${testCase.id} round ${round}: ${Math.round(result.load.requestsPerSecond)} req/s, p50 ${result.load.latencyMs.p50.toFixed(2)} ms, p99 ${result.load.latencyMs.p99.toFixed(2)} ms, ${result.cpuMsPerRequest.toFixed(3)} CPU ms/req`,
      );
    }
  }
  return cases.map((testCase) => summarizeCase(testCase, rounds.get(testCase.id) ?? []));
}

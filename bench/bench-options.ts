/** `npm run bench -- [options]`: what to run and how long. Pure: parsed from argv, checked here. */
export const CASE_IDS = ['B0', 'B1', 'G1', 'G2', 'G3', 'G4', 'S1', 'C1', 'F1', 'F3', 'M1', 'P1'] as const;
export type CaseId = (typeof CASE_IDS)[number];

export interface BenchOptions {
  /** Rounds per case; the report gives their median. */
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** S1 measures search latency at this concurrency (a search page's load, not saturation). */
  readonly searchConnections: number;
  /** Products in the bench database (100k by default; 1M as an option). */
  readonly size: number;
  /** Changes in C1's pre-filled topic. */
  readonly cdcMessages: number;
  /** Seconds each C1 consumer runs: a steady-rate window (draining 200k changes takes minutes here). */
  readonly cdcSeconds: number;
  /** Seconds the C1 baselines run. */
  readonly baselineSeconds: number;
  /** F1: rows committed per second, and for how long. */
  readonly writerRate: number;
  readonly freshnessSeconds: number;
  readonly cases: ReadonlySet<CaseId>;
  /** Where the report goes (default bench/results). */
  readonly outputDirectory: string | null;
  /** Keep the bench database, C1 topic and S1 index for the next run (default) or drop them at the end. */
  readonly keepData: boolean;
  /** Children's stderr (gateway and consumer logs) goes to the bench's stderr. */
  readonly verbose: boolean;
  readonly help: boolean;
}

export const benchUsage = `Usage: npm run bench [-- options]

Runs the benchmarks on the local stack (brought up if needed) and writes bench/results/<date>.md
and .json. Every case runs beside its baseline in the same run; figures are medians of the rounds.

  --rounds N            rounds per case (default 3, at least 1)
  --duration S          seconds of load per round (default 10)
  --warmup S            seconds of warm-up load per server (default 3)
  --connections N       concurrent connections of the load generator (default 32)
  --search-connections N  concurrent searches in S1 (default 4: latency under a page's load)
  --size N              products in the bench database (default 100000; 1000000 for the 1M option)
  --cdc-messages N      changes in C1's pre-filled topic (default 200000)
  --cdc-seconds S       how long the gateway's consumer runs in each C1 round (default 20)
  --baseline-seconds S  how long each C1 baseline consumer runs (default 12; per-message: half)
  --writer-rate N       F1 commits per second (default 500)
  --freshness-seconds S F1 duration (default 180: freshness is judged over minutes, not seconds)
  --f1-topology T       F1 layout: split (default: the consumer in its own process beside the API
                        process, as the README recommends) or in-process (one process for both)
  --f3-rates A,B,…       F3 commit rates, one sustained window each (default 500,1000,1500,2000)
  --f3-seconds S        F3 window per rate (default 300: flat means flat for 5 minutes)
  --f1-profile          F1 also takes a CPU profile of the consumer process (written beside the report)
  --c1-profile ID       C1 also takes a CPU profile of variant ID's first round (gateway, gateway-search, …)
  --c1-variants A,B     C1 runs only these variants (the raw _bulk rounds run when gateway-search is one)
  --cases A,B,…         only these of ${CASE_IDS.join(', ')} (default all; P1 is the CPU profile)
  --quick               1 round, 3 s rounds, 1 s warm-up: a smoke test, not a measurement
  --out DIR             write the report there instead of bench/results
  --drop-data           drop the bench database, C1 topic and S1 index at the end
  --verbose             show the bench processes' own logs (their stdout and stderr)
  --help                this text`;

function positiveInteger(argv: readonly string[], name: string, fallback: number, minimum = 1): number {
  const index = argv.indexOf(name);
  if (index === -1) return fallback;
  const raw = argv[index + 1];
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < minimum)
    throw new Error(`${name} needs an integer ≥ ${minimum}, got ${raw ?? 'nothing'}`);
  return value;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const casesIndex = argv.indexOf('--cases');
  let cases: Set<CaseId> = new Set(CASE_IDS);
  if (casesIndex !== -1) {
    const listed = (argv[casesIndex + 1] ?? '')
      .split(',')
      .map((item) => item.trim().toUpperCase())
      .filter((item) => item !== '');
    const unknown = listed.filter((item) => !(CASE_IDS as readonly string[]).includes(item));
    if (listed.length === 0 || unknown.length > 0)
      throw new Error(`--cases takes a comma-separated list of ${CASE_IDS.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
    cases = new Set(listed as CaseId[]);
  }
  const outIndex = argv.indexOf('--out');
  return {
    rounds: positiveInteger(argv, '--rounds', quick ? 1 : 3),
    durationSeconds: positiveInteger(argv, '--duration', quick ? 3 : 10),
    warmupSeconds: positiveInteger(argv, '--warmup', quick ? 1 : 3, 0),
    connections: positiveInteger(argv, '--connections', 32),
    searchConnections: positiveInteger(argv, '--search-connections', 4),
    size: positiveInteger(argv, '--size', 100_000, 1_000),
    cdcMessages: positiveInteger(argv, '--cdc-messages', quick ? 20_000 : 200_000, 1_000),
    cdcSeconds: positiveInteger(argv, '--cdc-seconds', quick ? 6 : 20),
    baselineSeconds: positiveInteger(argv, '--baseline-seconds', quick ? 4 : 12),
    writerRate: positiveInteger(argv, '--writer-rate', 500),
    freshnessSeconds: positiveInteger(argv, '--freshness-seconds', quick ? 6 : 180),
    cases,
    outputDirectory: outIndex === -1 ? null : (argv[outIndex + 1] ?? null),
    keepData: !argv.includes('--drop-data'),
    verbose: argv.includes('--verbose'),
    help: argv.includes('--help') || argv.includes('-h'),
  };
}

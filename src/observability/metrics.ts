/**
 * The gateway's counters, behind one narrow interface so the request path and the consumer do not
 * depend on an exporter. `snapshot()` serves tests and response extensions; a Prometheus exporter
 * reads the same numbers.
 */
export type CounterName =
  | 'cache_hits'
  | 'cache_misses'
  | 'cache_negative_hits'
  | 'cache_fills'
  | 'cache_fills_rejected'
  | 'cache_bypasses'
  | 'cache_leases_busy'
  | 'sql_queries'
  | 'sql_errors'
  | 'cdc_changes_applied'
  | 'cdc_stale_changes'
  | 'cdc_dead_letters'
  | 'cdc_unknown_tables'
  | 'cdc_schema_changes'
  | 'cdc_ignored_messages'
  | 'cdc_watermarks'
  | 'cdc_rereads'
  | 'cdc_retries'
  | 'search_documents_rejected'
  | 'search_item_retries'
  | 'search_embedding_rewrites'
  | 'search_tombstones_purged';

const COUNTER_NAMES: readonly CounterName[] = [
  'cache_hits',
  'cache_misses',
  'cache_negative_hits',
  'cache_fills',
  'cache_fills_rejected',
  'cache_bypasses',
  'cache_leases_busy',
  'sql_queries',
  'sql_errors',
  'cdc_changes_applied',
  'cdc_stale_changes',
  'cdc_dead_letters',
  'cdc_unknown_tables',
  'cdc_schema_changes',
  'cdc_ignored_messages',
  'cdc_watermarks',
  'cdc_rereads',
  'cdc_retries',
  'search_documents_rejected',
  'search_item_retries',
  'search_embedding_rewrites',
  'search_tombstones_purged',
];

/** Values that go up and down: per-partition consumer lag (messages) and last-applied time (epoch ms). */
export type GaugeName = 'cdc_lag' | 'cdc_last_applied_ms';

/**
 * Source commit → applied in every store, over the most recent changes. Binlog-based sources stamp
 * commits with one-second precision, so single values can be off by up to a second.
 */
export interface FreshnessSummary {
  readonly count: number;
  readonly lastMs: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** Enough recent samples for a stable p99 while keeping `cdcFreshness()` a cheap sort. */
const FRESHNESS_WINDOW = 1024;

export interface Metrics {
  increment(name: CounterName, labels: Readonly<Record<string, string>>, by?: number): void;
  observeSql(table: string, durationMs: number): void;
  /** Totals per counter name, summed over labels. */
  snapshot(): Readonly<Record<CounterName, number>>;
  /** Totals per counter name and label set, e.g. "cache_hits{entity=products}". */
  detailed(): ReadonlyMap<string, number>;
  setGauge(name: GaugeName, labels: Readonly<Record<string, string>>, value: number): void;
  /** Current gauge values per name and label set, e.g. "cdc_lag{topic=shop.shop.products,partition=0}". */
  gauges(): ReadonlyMap<string, number>;
  observeCdcFreshness(durationMs: number): void;
  cdcFreshness(): FreshnessSummary;
}

export function createMetrics(): Metrics {
  const totals = new Map<CounterName, number>();
  const byLabels = new Map<string, number>();
  const gaugeValues = new Map<string, number>();
  const freshness: number[] = [];
  let freshnessCount = 0;
  const labelKey = (name: string, labels: Readonly<Record<string, string>>) =>
    `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}}`;
  return {
    increment(name, labels, by = 1) {
      totals.set(name, (totals.get(name) ?? 0) + by);
      const key = labelKey(name, labels);
      byLabels.set(key, (byLabels.get(key) ?? 0) + by);
    },
    observeSql(table) {
      this.increment('sql_queries', { table });
    },
    snapshot() {
      return Object.fromEntries(COUNTER_NAMES.map((name) => [name, totals.get(name) ?? 0])) as Record<CounterName, number>;
    },
    detailed: () => byLabels,
    setGauge(name, labels, value) {
      gaugeValues.set(labelKey(name, labels), value);
    },
    gauges: () => gaugeValues,
    observeCdcFreshness(durationMs) {
      freshness[freshnessCount % FRESHNESS_WINDOW] = durationMs;
      freshnessCount += 1;
    },
    cdcFreshness() {
      const last = freshnessCount === 0 ? null : (freshness[(freshnessCount - 1) % FRESHNESS_WINDOW] ?? null);
      const sorted = [...freshness].sort((a, b) => a - b);
      const at = (quantile: number) => (sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? null));
      return { count: freshnessCount, lastMs: last, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? null };
    },
  };
}

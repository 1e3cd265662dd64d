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
  | 'sql_errors';

export interface Metrics {
  increment(name: CounterName, labels: Readonly<Record<string, string>>, by?: number): void;
  observeSql(table: string, durationMs: number): void;
  /** Totals per counter name, summed over labels. */
  snapshot(): Readonly<Record<CounterName, number>>;
  /** Totals per counter name and label set, e.g. "cache_hits{entity=products}". */
  detailed(): ReadonlyMap<string, number>;
}

export function createMetrics(): Metrics {
  const totals = new Map<CounterName, number>();
  const byLabels = new Map<string, number>();
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
      const names: CounterName[] = ['cache_hits', 'cache_misses', 'cache_negative_hits', 'cache_fills', 'cache_fills_rejected', 'cache_bypasses', 'cache_leases_busy', 'sql_queries', 'sql_errors'];
      return Object.fromEntries(names.map((name) => [name, totals.get(name) ?? 0])) as Record<CounterName, number>;
    },
    detailed: () => byLabels,
  };
}

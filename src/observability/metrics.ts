import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterName, FreshnessSummary, GaugeName } from './metric-catalogue.js';
import { COUNTERS, GAUGES, LATENCY_BUCKETS_SECONDS } from './metric-catalogue.js';

export type { CounterName, FreshnessSummary, GaugeName } from './metric-catalogue.js';

/** Enough recent samples for a stable p99 while keeping `cdcFreshness()` a cheap sort. */
const FRESHNESS_WINDOW = 1024;

/**
 * The gateway's instruments, behind one narrow interface so the request path and the consumer do
 * not depend on an exporter. `snapshot()`, `detailed()` and `gauges()` serve tests and response
 * extensions from plain maps; the same increments feed prom-client for `/metrics`.
 */
export interface Metrics {
  increment(name: CounterName, labels: Readonly<Record<string, string>>, by?: number): void;
  observeSql(table: string, durationMs: number): void;
  /** One GraphQL operation served: `operation` is a bounded label (see operationLabel). */
  observeRequest(operation: string, outcome: 'ok' | 'error', durationMs: number): void;
  /** One Elasticsearch request, by endpoint (`_search`, `_bulk`…), whoever sent it. */
  observeSearch(endpoint: string, durationMs: number): void;
  /** Totals per counter name, summed over labels. */
  snapshot(): Readonly<Record<CounterName, number>>;
  /** Totals per counter name and label set, e.g. "cache_hits{entity=products}". */
  detailed(): ReadonlyMap<string, number>;
  setGauge(name: GaugeName, labels: Readonly<Record<string, string>>, value: number): void;
  /** Current gauge values per name and label set, e.g. "cdc_store_lag{topic=shop.shop.products,partition=0,store=redis}". */
  gauges(): ReadonlyMap<string, number>;
  observeCdcFreshness(durationMs: number): void;
  cdcFreshness(): FreshnessSummary;
  /** The Prometheus text exposition of everything above (and process metrics when enabled). */
  expose(): Promise<{ readonly contentType: string; readonly body: string }>;
}

export interface MetricsOptions {
  /** CPU, memory, event-loop lag, GC… of this process; once per process is enough (the gateway's own). */
  readonly processMetrics?: boolean;
}

/** Distinct operation names kept as labels before the rest are counted as "other". */
const MAX_OPERATION_LABELS = 200;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });
  const counters = new Map(
    (Object.keys(COUNTERS) as CounterName[]).map((name) => {
      const { help, labels } = COUNTERS[name];
      return [name, new Counter({ name: `gateway_${name}_total`, help, labelNames: labels, registers: [registry] })] as const;
    }),
  );
  const promGauges = new Map(
    (Object.keys(GAUGES) as GaugeName[]).map((name) => {
      const { exported, help, labels } = GAUGES[name];
      return [name, new Gauge({ name: exported, help, labelNames: labels, registers: [registry] })] as const;
    }),
  );
  const requestSeconds = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL operations served, by operation name and outcome (error: the response carries errors).',
    labelNames: ['operation', 'outcome'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const sqlSeconds = new Histogram({
    name: 'gateway_sql_query_duration_seconds',
    help: 'SQL statements, by table.',
    labelNames: ['table'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const searchSeconds = new Histogram({
    name: 'gateway_elasticsearch_request_duration_seconds',
    help: 'Elasticsearch requests, by endpoint.',
    labelNames: ['endpoint'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const freshnessSeconds = new Histogram({
    name: 'gateway_cdc_freshness_seconds',
    help: 'Source commit to applied in every store, per change (binlog sources stamp commits to the second).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });

  const totals = new Map<CounterName, number>();
  const byLabels = new Map<string, number>();
  const gaugeValues = new Map<string, number>();
  const operations = new Set<string>();
  const freshness: number[] = [];
  let freshnessCount = 0;
  const labelKey = (name: string, labels: Readonly<Record<string, string>>) => {
    let key = `${name}{`;
    let separator = '';
    for (const label in labels) {
      key += `${separator}${label}=${labels[label]}`;
      separator = ',';
    }
    return `${key}}`;
  };

  // Counters are incremented several times per request: prom-client's `inc(labels)` hashes the
  // label object on every call, so each label set's child is looked up by the key built anyway.
  const counterChildren = new Map<string, { inc(by: number): void }>();
  const increment = (name: CounterName, labels: Readonly<Record<string, string>>, by = 1) => {
    totals.set(name, (totals.get(name) ?? 0) + by);
    const key = labelKey(name, labels);
    byLabels.set(key, (byLabels.get(key) ?? 0) + by);
    let child = counterChildren.get(key);
    if (child === undefined) {
      const counter = counters.get(name);
      if (counter === undefined) return;
      child = counter.labels(labels);
      counterChildren.set(key, child);
    }
    child.inc(by);
  };
  const requestChildren = new Map<string, { observe(value: number): void }>();

  return {
    increment,
    observeSql(table, durationMs) {
      increment('sql_queries', { table });
      sqlSeconds.observe({ table }, durationMs / 1000);
    },
    observeRequest(operation, outcome, durationMs) {
      if (!operations.has(operation) && operations.size < MAX_OPERATION_LABELS) operations.add(operation);
      const label = operations.has(operation) ? operation : 'other';
      const key = `${label}|${outcome}`;
      let child = requestChildren.get(key);
      if (child === undefined) {
        child = requestSeconds.labels({ operation: label, outcome });
        requestChildren.set(key, child);
      }
      child.observe(durationMs / 1000);
    },
    observeSearch(endpoint, durationMs) {
      searchSeconds.observe({ endpoint }, durationMs / 1000);
    },
    snapshot() {
      return Object.fromEntries((Object.keys(COUNTERS) as CounterName[]).map((name) => [name, totals.get(name) ?? 0])) as Record<
        CounterName,
        number
      >;
    },
    detailed: () => byLabels,
    setGauge(name, labels, value) {
      gaugeValues.set(labelKey(name, labels), value);
      promGauges.get(name)?.set(labels, name === 'cdc_last_applied_ms' ? value / 1000 : value);
    },
    gauges: () => gaugeValues,
    observeCdcFreshness(durationMs) {
      freshness[freshnessCount % FRESHNESS_WINDOW] = durationMs;
      freshnessCount += 1;
      freshnessSeconds.observe(durationMs / 1000);
    },
    cdcFreshness() {
      const last = freshnessCount === 0 ? null : (freshness[(freshnessCount - 1) % FRESHNESS_WINDOW] ?? null);
      const sorted = [...freshness].sort((a, b) => a - b);
      const at = (quantile: number) =>
        sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? null);
      return { count: freshnessCount, lastMs: last, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? null };
    },
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * A client-chosen operation name as a metric label: only GraphQL names, so a hostile client cannot
 * blow up the label set with arbitrary strings (the count is also capped in observeRequest).
 */
export function operationLabel(operationName: string | null | undefined): string {
  if (operationName === null || operationName === undefined) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName) ? operationName : 'invalid';
}

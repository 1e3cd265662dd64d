import type { estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { exactIntegerSum } from '../rows/money.js';
import { liveDocumentsFilter } from '../index/search-documents.js';

/*
 * Sales analytics as pure request builders and response readers. Sales are orders in a paid,
 * shipped or completed state, placed in [from, to), in one currency (sums across currencies mean
 * nothing). Revenue is summed from integer cents (exact, see money.ts). Without a category the
 * orders index answers (order totals); with one, the order-items index does (line revenue of the
 * category's items, orders counted with `cardinality`, which is exact below its 40,000 precision
 * threshold per bucket and an estimate within a few percent above it).
 */

export type SalesInterval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
export type TopProductsBy = 'REVENUE' | 'UNITS';

export const SALES_STATUSES = ['paid', 'shipped', 'completed'] as const;
export const MAX_BUCKETS = 2_000;
const CARDINALITY_PRECISION = 40_000;

export interface TimeRange {
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
}

const NOMINAL_MS: Record<SalesInterval, number> = { HOUR: 3_600_000, DAY: 86_400_000, WEEK: 7 * 86_400_000, MONTH: 28 * 86_400_000 };
const CALENDAR_INTERVAL: Record<SalesInterval, estypes.AggregationsCalendarInterval> = {
  HOUR: 'hour',
  DAY: 'day',
  WEEK: 'week',
  MONTH: 'month',
};

export function timeRange(from: string, to: string): TimeRange {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs)
    throw new GatewayError('BAD_USER_INPUT', `the time range must have from before to, got ${from} .. ${to}`);
  return { fromMs, toMs };
}

export function checkBucketCount(range: TimeRange, interval: SalesInterval): void {
  const buckets = Math.ceil((range.toMs - range.fromMs) / NOMINAL_MS[interval]) + 1;
  if (buckets > MAX_BUCKETS)
    throw new GatewayError(
      'BAD_USER_INPUT',
      `${interval} buckets over this range would be about ${buckets}; at most ${MAX_BUCKETS} are allowed`,
    );
}

let timeZones: ReadonlySet<string> | undefined;

/** A canonical IANA time zone id (as Intl lists them, which java.time in Elasticsearch also knows), or UTC. */
export function checkTimeZone(timeZone: string): string {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  if (!timeZones.has(timeZone))
    throw new GatewayError(
      'BAD_USER_INPUT',
      `timeZone must be an IANA time zone such as "Asia/Shanghai" or "UTC", got ${JSON.stringify(timeZone.slice(0, 40))}`,
    );
  return timeZone;
}

export function checkCurrency(currency: string): string {
  if (!/^[A-Z]{3}$/.test(currency))
    throw new GatewayError(
      'BAD_USER_INPUT',
      `currency must be an ISO 4217 code such as "CNY", got ${JSON.stringify(currency.slice(0, 10))}`,
    );
  return currency;
}

function salesFilter(
  range: TimeRange,
  currency: string,
  byItems: boolean,
  categoryIds: readonly string[] | null,
): estypes.QueryDslQueryContainer[] {
  const time = byItems ? 'ordered_at' : 'created_at';
  return [
    liveDocumentsFilter,
    { terms: { [byItems ? 'order_status' : 'status']: [...SALES_STATUSES] } },
    { term: { currency } },
    { range: { [time]: { gte: range.fromMs, lt: range.toMs, format: 'epoch_millis' } } },
    ...(categoryIds === null ? [] : [{ terms: { category_id: [...categoryIds] } }]),
  ];
}

export interface SalesOverTimeRequest {
  readonly range: TimeRange;
  readonly interval: SalesInterval;
  readonly timeZone: string;
  readonly currency: string;
  /** The category and its descendants; null for all sales. */
  readonly categoryIds: readonly string[] | null;
}

export function buildSalesOverTime(request: SalesOverTimeRequest): { readonly byItems: boolean; readonly body: estypes.SearchRequest } {
  const byItems = request.categoryIds !== null;
  const histogram: estypes.AggregationsAggregationContainer = {
    date_histogram: {
      field: byItems ? 'ordered_at' : 'created_at',
      calendar_interval: CALENDAR_INTERVAL[request.interval],
      time_zone: request.timeZone,
      min_doc_count: 0,
      extended_bounds: { min: request.range.fromMs, max: request.range.toMs - 1 },
      format: "yyyy-MM-dd'T'HH:mm:ssXXX",
    },
    aggs: byItems
      ? {
          revenue: { sum: { field: 'revenue_cents' } },
          orders: { cardinality: { field: 'order_id', precision_threshold: CARDINALITY_PRECISION } },
        }
      : { revenue: { sum: { field: 'total_cents' } } },
  };
  return {
    byItems,
    body: {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: salesFilter(request.range, request.currency, byItems, request.categoryIds) } },
      aggs: { over_time: histogram },
    },
  };
}

export interface SalesBucketValue {
  readonly startMs: number;
  readonly label: string;
  readonly orders: number;
  readonly revenueCents: bigint;
}

interface ValueAgg {
  readonly value?: number | null;
}

export function readSalesOverTime(response: estypes.SearchResponse<unknown>, byItems: boolean): SalesBucketValue[] {
  const histogram = (response.aggregations?.over_time ?? {}) as {
    buckets?: { key: number; key_as_string?: string; doc_count: number; revenue?: ValueAgg; orders?: ValueAgg }[];
  };
  return (histogram.buckets ?? []).map((bucket) => ({
    startMs: bucket.key,
    label: bucket.key_as_string ?? new Date(bucket.key).toISOString(),
    orders: byItems ? (bucket.orders?.value ?? 0) : bucket.doc_count,
    revenueCents: exactIntegerSum(bucket.revenue?.value, 'sales revenue'),
  }));
}

export interface ProductSalesValue {
  readonly key: string;
  readonly units: bigint;
  readonly revenueCents: bigint;
  readonly orders: number;
}

const lineMetrics: Record<string, estypes.AggregationsAggregationContainer> = {
  revenue: { sum: { field: 'revenue_cents' } },
  units: { sum: { field: 'quantity' } },
  orders: { cardinality: { field: 'order_id', precision_threshold: CARDINALITY_PRECISION } },
};

/**
 * Top products by a sum. With one shard (the default layout) the ranking is exact; with more, the
 * generous shard_size keeps the usual terms-aggregation error negligible for a top-N list.
 */
export function buildTopProducts(range: TimeRange, currency: string, by: TopProductsBy, first: number): estypes.SearchRequest {
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: salesFilter(range, currency, true, null) } },
    aggs: {
      products: {
        terms: {
          field: 'product_id',
          size: first,
          shard_size: Math.max(100, first * 10),
          order: [{ [by === 'REVENUE' ? 'revenue' : 'units']: 'desc' }, { _key: 'asc' }],
        },
        aggs: lineMetrics,
      },
    },
  };
}

/** One `filters` bucket per top-level category, each matching its whole subtree, so orders are counted once per subtree. */
export function buildCategoryBreakdown(
  range: TimeRange,
  currency: string,
  subtrees: ReadonlyMap<string, readonly string[]>,
): estypes.SearchRequest {
  const filters = Object.fromEntries([...subtrees].map(([id, ids]) => [id, { terms: { category_id: [...ids] } }]));
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: salesFilter(range, currency, true, [...new Set([...subtrees.values()].flat())]) } },
    aggs: { categories: { filters: { filters }, aggs: lineMetrics } },
  };
}

type MetricBucket = { key?: string | number; revenue?: ValueAgg; units?: ValueAgg; orders?: ValueAgg };

function metricValue(key: string, bucket: MetricBucket): ProductSalesValue {
  return {
    key,
    units: exactIntegerSum(bucket.units?.value, 'units sold'),
    revenueCents: exactIntegerSum(bucket.revenue?.value, 'line revenue'),
    orders: bucket.orders?.value ?? 0,
  };
}

export function readTopProducts(response: estypes.SearchResponse<unknown>): ProductSalesValue[] {
  const terms = (response.aggregations?.products ?? {}) as { buckets?: MetricBucket[] };
  return (terms.buckets ?? []).map((bucket) => metricValue(String(bucket.key), bucket));
}

/** Categories by revenue, largest first (ties by id). */
export function readCategoryBreakdown(response: estypes.SearchResponse<unknown>): ProductSalesValue[] {
  const filters = (response.aggregations?.categories ?? {}) as { buckets?: Record<string, MetricBucket> };
  return Object.entries(filters.buckets ?? {})
    .map(([key, bucket]) => metricValue(key, bucket))
    .sort((a, b) => (a.revenueCents === b.revenueCents ? Number(a.key) - Number(b.key) : a.revenueCents > b.revenueCents ? -1 : 1));
}

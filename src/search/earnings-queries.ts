import type { estypes } from '@elastic/elasticsearch';
import { exactIntegerSum } from '../rows/money.js';
import type { SortValueKind } from './search-cursor.js';
import { liveDocumentsFilter } from '../index/search-documents.js';
import type { TimeRange } from './sales-analytics-queries.js';

/*
 * The social-commerce earnings view over the commissions index: one document per commission row,
 * versioned by the row's CDC version, so an insert adds a document, an update replaces it, a delete
 * tombstones it, and a replay of any of these is refused by the version check. The summary is
 * therefore an aggregation over the current rows, exact under replays, with no MySQL read.
 */

export const COMMISSION_TYPES = ['direct', 'team', 'bonus'] as const;
export const COMMISSION_STATUSES = ['pending', 'settled', 'cancelled'] as const;

export interface EarningsFilters {
  readonly types: readonly string[] | null;
  readonly statuses: readonly string[] | null;
  readonly range: TimeRange | null;
}

function earningsFilter(userId: string, filters: EarningsFilters): estypes.QueryDslQueryContainer[] {
  return [
    liveDocumentsFilter,
    { term: { user_id: userId } },
    ...(filters.types === null ? [] : [{ terms: { type: [...filters.types] } }]),
    ...(filters.statuses === null ? [] : [{ terms: { status: [...filters.statuses] } }]),
    ...(filters.range === null
      ? []
      : [{ range: { created_at: { gte: filters.range.fromMs, lt: filters.range.toMs, format: 'epoch_millis' } } }]),
  ];
}

export function buildEarningsSummary(userId: string): estypes.SearchRequest {
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: earningsFilter(userId, { types: null, statuses: null, range: null }) } },
    // Composite over (type, status): every combination, however many values either enum grows.
    aggs: {
      combinations: {
        composite: { size: 1000, sources: [{ type: { terms: { field: 'type' } } }, { status: { terms: { field: 'status' } } }] },
        aggs: { amount: { sum: { field: 'amount_cents' } } },
      },
    },
  };
}

export interface EarningsBucketValue {
  readonly type: string;
  readonly status: string;
  readonly count: number;
  readonly amountCents: bigint;
}

export function readEarningsSummary(response: estypes.SearchResponse<unknown>): EarningsBucketValue[] {
  const composite = (response.aggregations?.combinations ?? {}) as {
    buckets?: { key: { type?: unknown; status?: unknown }; doc_count: number; amount?: { value?: number | null } }[];
  };
  return (composite.buckets ?? []).map((bucket) => ({
    type: String(bucket.key.type),
    status: String(bucket.key.status),
    count: bucket.doc_count,
    amountCents: exactIntegerSum(bucket.amount?.value, 'earnings'),
  }));
}

export const EARNINGS_SORT_SHAPE: readonly SortValueKind[] = ['integer', 'integer'];

/** Newest first; size first + 1 tells whether a next page exists. */
export function buildEarningsList(
  userId: string,
  filters: EarningsFilters,
  first: number,
  after: readonly (number | string)[] | null,
): estypes.SearchRequest {
  return {
    query: { bool: { filter: earningsFilter(userId, filters) } },
    sort: [{ created_at: { order: 'desc' } }, { id: { order: 'desc' } }],
    ...(after === null ? {} : { search_after: [...after] }),
    size: first + 1,
    track_total_hits: true,
    _source: false,
  };
}

import type { estypes } from '@elastic/elasticsearch';

/** Reads a product search response (pure): ids in order, sort values for cursors, highlights, totals and facets. */

export interface SearchHighlight {
  readonly field: string;
  readonly snippets: readonly string[];
}

export interface ProductHit {
  readonly id: string;
  readonly sortValues: readonly unknown[];
  readonly highlights: readonly SearchHighlight[];
}

export interface FacetBucket {
  readonly value: string;
  readonly count: number;
}

export interface PriceRangeBucket {
  readonly fromCents: number | null;
  readonly toCents: number | null;
  readonly count: number;
}

export interface ProductSearchPage {
  readonly total: number;
  readonly hits: readonly ProductHit[];
  readonly hasNextPage: boolean;
  readonly facets: {
    readonly brands: readonly FacetBucket[];
    readonly categories: readonly FacetBucket[];
    readonly priceRanges: readonly PriceRangeBucket[];
  };
}

interface Buckets<T> {
  readonly values?: { readonly buckets?: readonly T[] };
}

export function readProductSearch(response: estypes.SearchResponse<unknown>, first: number): ProductSearchPage {
  const all = response.hits.hits;
  const hits = all.slice(0, first).flatMap((hit): ProductHit[] =>
    hit._id === undefined
      ? []
      : [
          {
            id: hit._id,
            sortValues: hit.sort ?? [],
            highlights: Object.entries(hit.highlight ?? {}).map(([field, snippets]) => ({ field, snippets })),
          },
        ],
  );
  const total = response.hits.total;
  const aggregations = (response.aggregations ?? {}) as Record<string, unknown>;
  return {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    hits,
    hasNextPage: all.length > first,
    facets: {
      brands: termBuckets(aggregations.brands),
      categories: termBuckets(aggregations.categories),
      priceRanges: (((aggregations.prices ?? {}) as Buckets<{ from?: number; to?: number; doc_count: number }>).values?.buckets ?? []).map(
        (bucket) => ({
          fromCents: bucket.from ?? null,
          toCents: bucket.to ?? null,
          count: bucket.doc_count,
        }),
      ),
    },
  };
}

function termBuckets(aggregation: unknown): FacetBucket[] {
  const buckets = ((aggregation ?? {}) as Buckets<{ key: string | number; doc_count: number }>).values?.buckets ?? [];
  return buckets.map((bucket) => ({ value: String(bucket.key), count: bucket.doc_count }));
}

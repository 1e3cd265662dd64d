import type { estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import type { SortValue, SortValueKind } from './search-cursor.js';
import { liveDocumentsFilter } from '../index/search-documents.js';

/*
 * The product search request, as a pure function of validated input. Client text only ever reaches
 * Elasticsearch inside `match` / `match_phrase` queries, which analyze it as plain text: no
 * query_string, so operators, wildcards, field names and regular expressions in the input are just
 * words. Text, filter lists and page sizes are bounded here, before anything is sent.
 *
 * Relevance: one fuzzy `match` over search_text (name, brand, category, tags, description) must hit
 * at least 75% of the terms (all of them up to three), with typo tolerance from `fuzziness: AUTO`
 * (0 edits up to 2 letters, 1 up to 5, else 2; CJK characters are single-letter terms, so they must
 * match exactly). Matches in the name, and the query as a phrase in the name (adjacent CJK
 * characters in order), score higher.
 *
 * Facets count with every filter except their own (the usual multi-select facet behaviour): the
 * filters go to `post_filter`, and each facet aggregation applies the others.
 */

export type ProductSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';

export interface ProductFilters {
  /** Already expanded to include sub-categories. */
  readonly categoryIds: readonly string[] | null;
  readonly brands: readonly string[] | null;
  readonly minPriceCents: number | null;
  readonly maxPriceCents: number | null;
  readonly inStock: boolean | null;
  readonly tags: readonly string[] | null;
}

export interface ProductSearchRequest {
  readonly text: string | null;
  readonly filters: ProductFilters;
  readonly sort: ProductSort;
  readonly first: number;
  readonly after: readonly SortValue[] | null;
  /**
   * What the client's selection needs besides the hits (both when absent). Facet aggregations and
   * highlighting are most of what a search costs Elasticsearch, so a page that shows neither asks
   * for neither; the hits, their order and the total are the same either way.
   */
  readonly compute?: { readonly facets: boolean; readonly highlights: boolean };
}

export const MAX_QUERY_LENGTH = 200;
export const MAX_FILTER_VALUES = 50;
const MAX_FILTER_VALUE_LENGTH = 100;

/** Price facet buckets, in cents: under 50, 50–100, 100–500, 500–1000, 1000 and above. */
export const PRICE_RANGES_CENTS: readonly { readonly from?: number; readonly to?: number }[] = [
  { to: 5_000 },
  { from: 5_000, to: 10_000 },
  { from: 10_000, to: 50_000 },
  { from: 50_000, to: 100_000 },
  { from: 100_000 },
];

/** Trimmed text with control characters removed and whitespace collapsed; null when nothing is left. */
export function normalizeSearchText(text: string | null | undefined, maxLength = MAX_QUERY_LENGTH): string | null {
  if (text === null || text === undefined) return null;
  const cleaned = text
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned.length > maxLength)
    throw new GatewayError('BAD_USER_INPUT', `the search text is limited to ${maxLength} characters, got ${cleaned.length}`);
  return cleaned === '' ? null : cleaned;
}

/** A filter list: bounded in length, each value trimmed and bounded. Null or empty means no filter. */
export function filterValues(values: readonly string[] | null | undefined, argument: string): string[] | null {
  if (values === null || values === undefined || values.length === 0) return null;
  if (values.length > MAX_FILTER_VALUES)
    throw new GatewayError('BAD_USER_INPUT', `${argument} accepts at most ${MAX_FILTER_VALUES} values, got ${values.length}`);
  return values.map((value, position) => {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.length > MAX_FILTER_VALUE_LENGTH) {
      throw new GatewayError('BAD_USER_INPUT', `${argument}[${position}] must be 1 to ${MAX_FILTER_VALUE_LENGTH} characters`);
    }
    return trimmed;
  });
}

/** What a cursor of this sort holds, checked before it is sent back as search_after. */
export function productSortShape(sort: ProductSort): SortValueKind[] {
  return sort === 'RELEVANCE' ? ['number', 'integer'] : ['integer', 'integer'];
}

function sortClauses(sort: ProductSort): estypes.SortCombinations[] {
  // The id tiebreak makes the order total, which search_after needs to never skip or repeat a hit.
  switch (sort) {
    case 'RELEVANCE':
      return [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }];
    case 'PRICE_ASC':
      return [{ price_cents: { order: 'asc' } }, { id: { order: 'asc' } }];
    case 'PRICE_DESC':
      return [{ price_cents: { order: 'desc' } }, { id: { order: 'asc' } }];
    case 'NEWEST':
      return [{ created_at: { order: 'desc' } }, { id: { order: 'desc' } }];
  }
}

type Dimension = 'categories' | 'brands' | 'price' | 'stock' | 'tags';

function filterClauses(filters: ProductFilters, except: Dimension | null): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  if (filters.categoryIds !== null && except !== 'categories') clauses.push({ terms: { category_id: [...filters.categoryIds] } });
  if (filters.brands !== null && except !== 'brands') clauses.push({ terms: { 'brand.keyword': [...filters.brands] } });
  if ((filters.minPriceCents !== null || filters.maxPriceCents !== null) && except !== 'price') {
    clauses.push({
      range: {
        price_cents: {
          ...(filters.minPriceCents === null ? {} : { gte: filters.minPriceCents }),
          ...(filters.maxPriceCents === null ? {} : { lte: filters.maxPriceCents }),
        },
      },
    });
  }
  if (filters.inStock !== null && except !== 'stock') clauses.push({ term: { in_stock: filters.inStock } });
  if (filters.tags !== null && except !== 'tags') clauses.push({ terms: { tags: [...filters.tags] } });
  return clauses;
}

function textQuery(text: string): { must: estypes.QueryDslQueryContainer[]; should: estypes.QueryDslQueryContainer[] } {
  return {
    must: [{ match: { search_text: { query: text, fuzziness: 'AUTO', minimum_should_match: '3<75%' } } }],
    should: [
      { match_phrase: { name: { query: text, boost: 4 } } },
      { match: { name: { query: text, fuzziness: 'AUTO', boost: 2 } } },
      { match: { brand: { query: text, boost: 1.5 } } },
    ],
  };
}

function facetAggregations(filters: ProductFilters): Record<string, estypes.AggregationsAggregationContainer> {
  const facet = (
    dimension: Dimension,
    aggregation: estypes.AggregationsAggregationContainer,
  ): estypes.AggregationsAggregationContainer => ({
    filter: { bool: { filter: filterClauses(filters, dimension) } },
    aggs: { values: aggregation },
  });
  return {
    brands: facet('brands', { terms: { field: 'brand.keyword', size: 20 } }),
    categories: facet('categories', { terms: { field: 'category_id', size: 50 } }),
    prices: facet('price', { range: { field: 'price_cents', ranges: PRICE_RANGES_CENTS.map((range) => ({ ...range })) } }),
  };
}

/** The search body (without `index`). `size` is first + 1: the extra hit only tells whether a next page exists. */
export function buildProductSearch(request: ProductSearchRequest): estypes.SearchRequest {
  const compute = request.compute ?? { facets: true, highlights: true };
  const text = request.text === null ? { must: [], should: [] } : textQuery(request.text);
  const filters = filterClauses(request.filters, null);
  // The filters wait in post_filter only so that each facet can count without its own; with no facets
  // they filter the query itself (same hits, scores and total: a filter clause does not score).
  const base: estypes.QueryDslQueryContainer[] = [liveDocumentsFilter, { term: { status: 'active' } }, ...(compute.facets ? [] : filters)];
  return {
    query: { bool: { filter: base, must: text.must, should: text.should } },
    ...(filters.length === 0 || !compute.facets ? {} : { post_filter: { bool: { filter: filters } } }),
    sort: sortClauses(request.sort),
    ...(request.after === null ? {} : { search_after: [...request.after] }),
    size: request.first + 1,
    track_total_hits: true,
    _source: false,
    ...(compute.facets ? { aggs: facetAggregations(request.filters) } : {}),
    ...(request.text === null || !compute.highlights
      ? {}
      : {
          highlight: {
            encoder: 'html',
            pre_tags: ['<em>'],
            post_tags: ['</em>'],
            require_field_match: false,
            fields: {
              name: { number_of_fragments: 0 },
              brand: { number_of_fragments: 0 },
              description: { fragment_size: 120, number_of_fragments: 2 },
            },
          },
        }),
  };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../../src/errors.js';
import type { ProductFilters } from '../../../src/search/product-search-query.js';
import {
  MAX_FILTER_VALUES,
  buildProductSearch,
  filterValues,
  normalizeSearchText,
  productSortShape,
} from '../../../src/search/product-search-query.js';
import { readProductSearch } from '../../../src/search/product-search-results.js';
import { liveDocumentsFilter } from '../../../src/index/search-documents.js';

const noFilters: ProductFilters = { categoryIds: null, brands: null, minPriceCents: null, maxPriceCents: null, inStock: null, tags: null };
const badInput = (error: unknown) => isGatewayError(error) && error.code === 'BAD_USER_INPUT';

describe('normalizeSearchText', () => {
  it('trims, collapses whitespace and drops control characters', () => {
    assert.equal(normalizeSearchText('  蓝牙\t耳机\n\u0000 x  '), '蓝牙 耳机 x');
    assert.equal(normalizeSearchText('   '), null);
    assert.equal(normalizeSearchText(null), null);
    assert.equal(normalizeSearchText(undefined), null);
  });

  it('bounds the length', () => {
    assert.equal(normalizeSearchText('x'.repeat(200))?.length, 200);
    assert.throws(() => normalizeSearchText('x'.repeat(201)), badInput);
  });
});

describe('filterValues', () => {
  it('treats an empty list as no filter and bounds count and length', () => {
    assert.equal(filterValues([], 'brands'), null);
    assert.deepEqual(filterValues([' Acme '], 'brands'), ['Acme']);
    assert.throws(
      () =>
        filterValues(
          Array.from({ length: MAX_FILTER_VALUES + 1 }, () => 'a'),
          'brands',
        ),
      badInput,
    );
    assert.throws(() => filterValues([''], 'brands'), badInput);
    assert.throws(() => filterValues(['x'.repeat(101)], 'tags'), badInput);
  });
});

describe('buildProductSearch', () => {
  const text = 'name:* OR {"match_all":{}}';
  const request = buildProductSearch({
    text,
    filters: { ...noFilters, brands: ['Acme'], minPriceCents: 1000, inStock: true },
    sort: 'RELEVANCE',
    first: 20,
    after: [1.5, 42],
  });
  const json = JSON.stringify(request);

  it('passes client text only to match queries, never to a query-string parser', () => {
    assert.doesNotMatch(json, /query_string|simple_query_string|regexp|wildcard|"script"/);
    const bool = (request.query as { bool: { must: unknown[]; filter: unknown[] } }).bool;
    assert.deepEqual(bool.must, [{ match: { search_text: { query: text, fuzziness: 'AUTO', minimum_should_match: '3<75%' } } }]);
    assert.deepEqual(bool.filter, [liveDocumentsFilter, { term: { status: 'active' } }]);
  });

  it('filters hits after the facets, and each facet applies every filter but its own', () => {
    assert.deepEqual(request.post_filter, {
      bool: { filter: [{ terms: { 'brand.keyword': ['Acme'] } }, { range: { price_cents: { gte: 1000 } } }, { term: { in_stock: true } }] },
    });
    const facetFilter = (name: string) => (request.aggs?.[name] as { filter: { bool: { filter: unknown[] } } }).filter.bool.filter;
    assert.deepEqual(facetFilter('brands'), [{ range: { price_cents: { gte: 1000 } } }, { term: { in_stock: true } }]);
    assert.deepEqual(facetFilter('prices'), [{ terms: { 'brand.keyword': ['Acme'] } }, { term: { in_stock: true } }]);
  });

  it('asks one hit more than the page, with a total order and the cursor values', () => {
    assert.equal(request.size, 21);
    assert.equal(request.track_total_hits, true);
    assert.deepEqual(request.search_after, [1.5, 42]);
    assert.deepEqual(request.sort, [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }]);
    assert.deepEqual(productSortShape('RELEVANCE'), ['number', 'integer']);
    assert.deepEqual(productSortShape('NEWEST'), ['integer', 'integer']);
  });

  it('highlights with HTML escaping, and only when there is text', () => {
    assert.equal((request.highlight as { encoder?: string }).encoder, 'html');
    const browse = buildProductSearch({ text: null, filters: noFilters, sort: 'NEWEST', first: 5, after: null });
    assert.equal(browse.highlight, undefined);
    assert.equal(browse.post_filter, undefined);
    assert.deepEqual((browse.query as { bool: { must: unknown[] } }).bool.must, []);
    assert.deepEqual(browse.sort, [{ created_at: { order: 'desc' } }, { id: { order: 'desc' } }]);
  });
});

describe('readProductSearch', () => {
  it('reads ids, cursors, highlights, the total and the facets, and whether another page exists', () => {
    const page = readProductSearch(
      {
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, failed: 0 },
        hits: {
          total: { value: 7, relation: 'eq' },
          hits: [
            { _index: 'i', _id: '1', sort: [2, 1], highlight: { name: ['<em>Mug</em>'] } },
            { _index: 'i', _id: '2', sort: [1, 2] },
            { _index: 'i', _id: '3', sort: [1, 3] },
          ],
        },
        aggregations: {
          brands: { doc_count: 7, values: { buckets: [{ key: 'Acme', doc_count: 7 }] } },
          categories: { doc_count: 7, values: { buckets: [{ key: 12, doc_count: 7 }] } },
          prices: {
            doc_count: 7,
            values: {
              buckets: [
                { key: '*-5000.0', to: 5000, doc_count: 3 },
                { key: '5000.0-*', from: 5000, doc_count: 4 },
              ],
            },
          },
        },
      } as never,
      2,
    );
    assert.equal(page.total, 7);
    assert.equal(page.hasNextPage, true);
    assert.deepEqual(
      page.hits.map((hit) => hit.id),
      ['1', '2'],
    );
    assert.deepEqual(page.hits[0]?.highlights, [{ field: 'name', snippets: ['<em>Mug</em>'] }]);
    assert.deepEqual(page.facets.categories, [{ value: '12', count: 7 }]);
    assert.deepEqual(page.facets.priceRanges, [
      { fromCents: null, toCents: 5000, count: 3 },
      { fromCents: 5000, toCents: null, count: 4 },
    ]);
  });
});

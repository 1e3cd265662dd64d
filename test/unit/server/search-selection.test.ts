import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FragmentDefinitionNode, OperationDefinitionNode } from 'graphql';
import { Kind, parse } from 'graphql';
import { selects } from '../../../src/resolvers/product-search.resolver.js';
import { buildProductSearch } from '../../../src/search/product-search-query.js';

/** The resolve info of the operation's first root field, as graphql-js hands it to the resolver. */
function infoOf(text: string) {
  const document = parse(text);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = Object.fromEntries(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const root = operation?.selectionSet.selections[0];
  assert.ok(root?.kind === Kind.FIELD);
  return { fieldNodes: [root], fragments };
}

describe('what a searchProducts selection asks for', () => {
  it('sees facets and highlights when selected directly, under an alias, or through fragments', () => {
    const direct = infoOf('{ searchProducts { totalCount facets { brands { value } } edges { highlights { field } } } }');
    assert.deepEqual([selects(direct, ['facets']), selects(direct, ['edges', 'highlights'])], [true, true]);
    const aliased = infoOf('{ s: searchProducts { f: facets { brands { value } } } }');
    assert.equal(selects(aliased, ['facets']), true);
    const fragments = infoOf(
      '{ searchProducts { ...Page } } fragment Page on ProductSearchConnection { edges { ... on ProductSearchEdge { ...Marks } } } fragment Marks on ProductSearchEdge { highlights { snippets } }',
    );
    assert.deepEqual([selects(fragments, ['facets']), selects(fragments, ['edges', 'highlights'])], [false, true]);
  });

  it('sees neither in the page the bench and the search page send for results only', () => {
    const plain = infoOf(
      'query Search($query: String) { searchProducts(first: 20, query: $query) { totalCount nodes { id name brand price } edges { cursor } } }',
    );
    assert.deepEqual([selects(plain, ['facets']), selects(plain, ['edges', 'highlights'])], [false, false]);
  });

  it('counts a field under @skip or @include as selected', () => {
    const conditional = infoOf('query ($f: Boolean!) { searchProducts { facets @include(if: $f) { brands { value } } } }');
    assert.equal(selects(conditional, ['facets']), true);
  });
});

describe('a product search without facets or highlights', () => {
  const filters = { categoryIds: ['3'], brands: ['Acme'], minPriceCents: null, maxPriceCents: 5_000, inStock: true, tags: null };
  const request = { text: 'blue mug', filters, sort: 'RELEVANCE' as const, first: 20, after: null };

  it('asks Elasticsearch for no aggregations and no highlighting, and filters the query itself', () => {
    const full = buildProductSearch(request);
    const lean = buildProductSearch({ ...request, compute: { facets: false, highlights: false } });
    assert.ok(full.aggs !== undefined && full.highlight !== undefined && full.post_filter !== undefined);
    assert.equal(lean.aggs, undefined);
    assert.equal(lean.highlight, undefined);
    assert.equal(lean.post_filter, undefined);
    const fullBool = full.query?.bool;
    const leanBool = lean.query?.bool;
    assert.deepEqual(leanBool?.filter, [...(fullBool?.filter as unknown[]), ...(full.post_filter?.bool?.filter as unknown[])]);
    assert.deepEqual([leanBool?.must, leanBool?.should], [fullBool?.must, fullBool?.should], 'the scoring clauses are unchanged');
    assert.deepEqual([lean.sort, lean.size, lean.track_total_hits], [full.sort, full.size, full.track_total_hits]);
  });

  it('keeps the facets (and their post_filter) when only highlights are left out', () => {
    const facetsOnly = buildProductSearch({ ...request, compute: { facets: true, highlights: false } });
    assert.ok(facetsOnly.aggs !== undefined && facetsOnly.post_filter !== undefined);
    assert.equal(facetsOnly.highlight, undefined);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { categoryEntity } from '../../../src/schema/category.type.js';
import { productEntity } from '../../../src/schema/product.type.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute } from '../../support/writer.js';
import type { SearchFixture } from './search-fixtures.js';
import { createSearchFixture, dataOf, deleteHarnessIndices, errorCodeOf, idBlock } from './search-fixtures.js';

interface SearchResult {
  totalCount: number;
  nodes: { id: string; name: string; price: string }[];
  edges: { cursor: string; highlights: { field: string; snippets: string[] }[] }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: {
    brands: { value: string; count: number }[];
    categories: { categoryId: string; count: number; category: { name: string } | null }[];
    priceRanges: { from: string | null; to: string | null; count: number }[];
  };
}

const SEARCH = `query ($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {
  searchProducts(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount nodes { id name price } edges { cursor highlights { field snippets } } pageInfo { hasNextPage endCursor }
    facets { brands { value count } categories { categoryId count category { name } } priceRanges { from to count } }
  }
}`;

describe('searchProducts and suggestProducts over real Elasticsearch, hydrated from MariaDB', () => {
  const tag = `it-${randomBytes(4).toString('hex')}`;
  const c = idBlock(10, 'int');
  const p = idBlock(20);
  const category = { audio: String(c), headphones: String(c + 1), earbuds: String(c + 2), kitchen: String(c + 3) };
  const product = {
    wireless: String(p),
    bluetooth: String(p + 1),
    cup: String(p + 2),
    noise: String(p + 3),
    mug: String(p + 4),
    draft: String(p + 5),
  };
  let gateway: GatewayHarness;
  let writer: Pool;
  let fixture: SearchFixture;

  const search = async (variables: Record<string, unknown>) =>
    dataOf<SearchResult>(await gateway.query(SEARCH, { filter: { tags: [tag] }, ...variables }), 'searchProducts');
  const ids = (result: SearchResult) => result.nodes.map((node) => node.id);
  const sorted = (values: string[]) => [...values].sort();

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness();
    fixture = createSearchFixture(gateway, writer);
    const categories: [string, string | null, string][] = [
      [category.audio, null, `Audio ${tag}`],
      [category.headphones, category.audio, `Headphones ${tag}`],
      [category.earbuds, category.headphones, `Earbuds ${tag}`],
      [category.kitchen, null, `厨房 Kitchen ${tag}`],
    ];
    for (const [id, parent, name] of categories) await fixture.insert('categories', { id, parent_id: parent, name, slug: `${tag}-${id}` });
    const rows: [string, string, string, string, string, number, string, string[], string?][] = [
      [product.wireless, 'Wireless Headphones Pro', 'Sonix', category.headphones, '199.00', 5, '2025-01-01 00:00:00', []],
      [product.bluetooth, '无线蓝牙耳机 X1', '声悦', category.earbuds, '299.50', 0, '2025-02-01 00:00:00', []],
      [product.cup, '蓝色陶瓷杯', 'Acme', category.kitchen, '39.90', 10, '2025-03-01 00:00:00', []],
      [product.noise, 'Noise Cancelling Headphones', 'Sonix', category.audio, '899.00', 2, '2025-04-01 00:00:00', ['sale']],
      [
        product.mug,
        'Coffee Mug',
        'Acme',
        category.kitchen,
        '12.50',
        100,
        '2025-05-01 00:00:00',
        [],
        'Great with <script>alert(1)</script> coffee and a mug of tea',
      ],
      [product.draft, 'Earbuds Mini Headphones', 'Sonix', category.earbuds, '49.00', 3, '2025-06-01 00:00:00', []],
    ];
    for (const [id, name, brand, categoryId, price, stock, created, tags, description] of rows) {
      await fixture.insert('products', {
        id,
        sku: `${tag}-${id}`,
        name,
        description: description ?? null,
        category_id: categoryId,
        brand,
        price,
        stock,
        status: id === product.draft ? 'draft' : 'active',
        is_featured: 0,
        tags: JSON.stringify([tag, ...tags]),
        created_at: created,
      });
    }
    await fixture.index(categoryEntity, Object.values(category));
    await fixture.index(productEntity, Object.values(product));
  });

  after(async () => {
    await fixture.cleanup();
    await writer.end();
    await deleteHarnessIndices(gateway);
    await gateway.close();
  });

  it('finds a product by a CJK query without matching products that share only one character', async () => {
    const result = await search({ query: '蓝牙耳机' });
    assert.deepEqual(ids(result), [product.bluetooth]);
    assert.equal(result.totalCount, 1);
  });

  it('finds products despite a misspelled query, and matches words across name and brand', async () => {
    assert.deepEqual(sorted(ids(await search({ query: 'headphnoes' }))), sorted([product.wireless, product.noise]));
    assert.deepEqual(sorted(ids(await search({ query: 'sonx wireles' }))), [product.wireless]);
    assert.deepEqual(ids(await search({ query: 'Kitchen 陶瓷' })), [product.cup]);
  });

  it('ranks a phrase match in the name first', async () => {
    const result = await search({ query: 'noise cancelling headphones' });
    assert.equal(result.nodes[0]?.id, product.noise);
  });

  it('filters by category including its sub-categories, brand, price range, stock and tag', async () => {
    assert.deepEqual(
      sorted(ids(await search({ filter: { tags: [tag], categoryIds: [category.audio] } }))),
      sorted([product.wireless, product.bluetooth, product.noise]),
    );
    assert.deepEqual(
      sorted(ids(await search({ filter: { tags: [tag], categoryIds: [category.headphones] } }))),
      sorted([product.wireless, product.bluetooth]),
    );
    assert.deepEqual(sorted(ids(await search({ filter: { tags: [tag], brands: ['Acme'] } }))), sorted([product.cup, product.mug]));
    assert.deepEqual(
      sorted(ids(await search({ filter: { tags: [tag], minPrice: '39.90', maxPrice: '299.50' } }))),
      sorted([product.cup, product.wireless, product.bluetooth]),
    );
    assert.deepEqual(sorted(ids(await search({ filter: { tags: [tag], inStock: false } }))), [product.bluetooth]);
    assert.deepEqual(ids(await search({ filter: { tags: [tag, 'no-such-tag'], brands: ['Sonix'], inStock: true, minPrice: '500' } })), [
      product.noise,
    ]);
  });

  it('sorts by price both ways and by newest, never showing the draft product', async () => {
    assert.deepEqual(ids(await search({ sort: 'PRICE_ASC' })), [
      product.mug,
      product.cup,
      product.wireless,
      product.bluetooth,
      product.noise,
    ]);
    assert.deepEqual(ids(await search({ sort: 'PRICE_DESC' })), [
      product.noise,
      product.bluetooth,
      product.wireless,
      product.cup,
      product.mug,
    ]);
    assert.deepEqual(ids(await search({ sort: 'NEWEST' })), [product.mug, product.noise, product.cup, product.bluetooth, product.wireless]);
  });

  it('counts facets by brand, category and price range, each ignoring its own filter', async () => {
    const all = await search({});
    assert.equal(all.totalCount, 5);
    assert.deepEqual(sorted(all.facets.brands.map((bucket) => `${bucket.value}:${bucket.count}`)), ['Acme:2', 'Sonix:2', '声悦:1']);
    const byCategory = Object.fromEntries(all.facets.categories.map((bucket) => [bucket.categoryId, bucket.count]));
    assert.deepEqual(byCategory, { [category.kitchen]: 2, [category.audio]: 1, [category.headphones]: 1, [category.earbuds]: 1 });
    assert.equal(all.facets.categories.find((bucket) => bucket.categoryId === category.kitchen)?.category?.name, `厨房 Kitchen ${tag}`);
    assert.deepEqual(
      all.facets.priceRanges.map((range) => `${range.from ?? ''}-${range.to ?? ''}:${range.count}`),
      ['-50.00:2', '50.00-100.00:0', '100.00-500.00:2', '500.00-1000.00:1', '1000.00-:0'],
    );

    const sonix = await search({ filter: { tags: [tag], brands: ['Sonix'] } });
    assert.equal(sonix.totalCount, 2);
    assert.deepEqual(
      sorted(sonix.facets.brands.map((bucket) => `${bucket.value}:${bucket.count}`)),
      ['Acme:2', 'Sonix:2', '声悦:1'],
      'the brand facet ignores the brand filter',
    );
    assert.deepEqual(
      sorted(sonix.facets.categories.map((bucket) => bucket.categoryId)),
      sorted([category.audio, category.headphones]),
      'other facets apply it',
    );
  });

  it('pages through every result with stable cursors and a total count', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: SearchResult = await search({ sort: 'PRICE_ASC', first: 2, after: cursor });
      assert.equal(result.totalCount, 5);
      seen.push(...ids(result));
      if (!result.pageInfo.hasNextPage) break;
      cursor = result.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [product.mug, product.cup, product.wireless, product.bluetooth, product.noise]);
    const relevance: string[] = [];
    cursor = null;
    do {
      const result: SearchResult = await search({ query: 'headphones', first: 1, after: cursor });
      relevance.push(...ids(result));
      cursor = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
    } while (cursor !== null);
    assert.deepEqual(relevance, ids(await search({ query: 'headphones' })));
  });

  it('highlights matches with HTML-escaped text around them', async () => {
    const result = await search({ query: 'mug' });
    assert.deepEqual(ids(result), [product.mug]);
    const highlights = Object.fromEntries(
      (result.edges[0]?.highlights ?? []).map((highlight) => [highlight.field, highlight.snippets.join(' … ')]),
    );
    assert.equal(highlights.name, 'Coffee <em>Mug</em>');
    assert.match(highlights.description ?? '', /&lt;script&gt;/);
    assert.doesNotMatch(highlights.description ?? '', /<script>/);
  });

  it('hydrates hits through the cache: fresher fields than the index, and rows deleted in MySQL left out', async () => {
    await execute(writer, 'UPDATE products SET price = ? WHERE id = ?', ['41.00', product.cup]);
    await gateway.clearCache();
    const cup = (await search({ filter: { tags: [tag], brands: ['Acme'] }, sort: 'PRICE_ASC' })).nodes.find(
      (node) => node.id === product.cup,
    );
    assert.equal(cup?.price, '41.00', 'the price comes from the database, not from the index');

    const gone = String(idBlock(1));
    await fixture.insert('products', {
      id: gone,
      sku: `${tag}-${gone}`,
      name: 'Vanishing Mug',
      category_id: category.kitchen,
      brand: 'Acme',
      price: '9.99',
      stock: 1,
      status: 'active',
      tags: JSON.stringify([tag]),
    });
    await fixture.index(productEntity, [gone]);
    await execute(writer, 'DELETE FROM products WHERE id = ?', [gone]);
    const result = await search({ query: 'mug' });
    assert.equal(result.totalCount, 2, 'totals come from the index, which still has it');
    assert.deepEqual(ids(result), [product.mug]);
  });

  it('treats query syntax as text and bounds the input', async () => {
    const injected = await gateway.query(SEARCH, { query: 'name:* OR status:draft AND {"match_all":{}}', filter: { tags: [tag] } });
    assert.equal(dataOf<SearchResult>(injected, 'searchProducts').totalCount, 0);
    assert.equal(errorCodeOf(await gateway.query(SEARCH, { query: 'x'.repeat(201) })), 'BAD_USER_INPUT');
    assert.equal(errorCodeOf(await gateway.query(SEARCH, { first: 101 })), 'BAD_USER_INPUT');
    assert.equal(errorCodeOf(await gateway.query(SEARCH, { filter: { tags: [tag], minPrice: '10.001' } })), 'BAD_USER_INPUT');
    const cursor = (await search({ sort: 'PRICE_ASC', first: 1 })).pageInfo.endCursor;
    assert.equal(
      errorCodeOf(await gateway.query(SEARCH, { filter: { tags: [tag] }, sort: 'NEWEST', after: cursor })),
      'BAD_USER_INPUT',
      'a cursor of another sort',
    );
    assert.equal(errorCodeOf(await gateway.query(SEARCH, { filter: { tags: [tag] }, after: 'bm90IGEgY3Vyc29y' })), 'BAD_USER_INPUT');
  });

  it('suggests active products by name, by a later word of the name, by brand and despite a typo', async () => {
    const suggest = async (prefix: string) =>
      dataOf<{ text: string; product: { id: string } }[]>(
        await gateway.query('query ($p: String!) { suggestProducts(prefix: $p, first: 10) { text product { id } } }', { p: prefix }),
        'suggestProducts',
      );
    const suggested = async (prefix: string) => sorted((await suggest(prefix)).map((entry) => entry.product.id));
    assert.deepEqual(await suggested('wireless head'), [product.wireless]);
    assert.deepEqual(
      await suggested('headph'),
      sorted([product.wireless, product.noise]),
      'a later word, and the draft product is not suggested',
    );
    assert.deepEqual(await suggested('无线蓝'), [product.bluetooth]);
    assert.deepEqual(await suggested('haedphones'), sorted([product.wireless, product.noise]));
    assert.ok((await suggested('sonix')).includes(product.noise));
    assert.deepEqual(await suggest('   '), []);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';

const productFields = 'id sku name description categoryId brand price stock status isFeatured tags attributes createdAt updatedAt';

describe('entity reads through the cache', () => {
  let gateway: GatewayHarness;
  let writer: Pool;
  const ids: number[] = [];

  before(async () => {
    gateway = await startHarness();
    writer = createWriterPool();
  });
  after(async () => {
    if (ids.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer.end();
    await gateway.close();
  });

  it('answers a cache hit byte for byte like the database miss that filled it, for every column type', async () => {
    const id = uniqueId();
    ids.push(id);
    await insertProduct(writer, id, { description: '含 emoji ☕ and CJK 保温杯', attributes: null, price: '0.05' });
    const query = `{ product(id: "${id}") { ${productFields} } }`;
    const miss = await gateway.query(query);
    const key = gateway.services.cache.keyOf(gateway.services.registry.byTable('products')!, String(id));
    assert.match((await gateway.services.redis.get(key)) ?? '', /^F\|/, 'the miss filled the cache');
    const hit = await gateway.query(query);
    assert.equal(hit.text, miss.text);
    const product = miss.body.data?.product as Record<string, unknown>;
    assert.deepEqual(product, {
      id: String(id),
      sku: `IT-${id}`,
      name: `测试商品 Test product ${id} 🎧`,
      description: '含 emoji ☕ and CJK 保温杯',
      categoryId: '1',
      brand: 'Acme',
      price: '0.05',
      stock: 7,
      status: 'active',
      isFeatured: true,
      tags: ['新品', 'test'],
      attributes: null,
      createdAt: '2025-03-01T10:15:30.123Z',
      updatedAt: product.updatedAt,
    });
    assert.match(String(product.updatedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('gives null for an unknown id and remembers the absence briefly', async () => {
    const id = uniqueId();
    const first = await gateway.query(`{ product(id: "${id}") { id } }`);
    assert.deepEqual(first.body, { data: { product: null } });
    const before = gateway.services.metrics.snapshot().sql_queries;
    const second = await gateway.query(`{ product(id: "${id}") { id } }`);
    assert.deepEqual(second.body, { data: { product: null } });
    assert.equal(gateway.services.metrics.snapshot().sql_queries, before, 'the negative entry answered without SQL');
  });

  it('rejects a malformed id with BAD_USER_INPUT naming the value', async () => {
    const response = await gateway.query(`{ product(id: "1 OR 1=1") { id } }`);
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(response.body.errors?.[0]?.message ?? '', /id must be a positive integer id, got "1 OR 1=1"/);
  });

  it('returns products(ids) in the order asked and leaves unknown ids out', async () => {
    const [a, b] = [uniqueId(), uniqueId()];
    ids.push(a, b);
    await insertProduct(writer, a);
    await insertProduct(writer, b);
    const response = await gateway.query(`{ products(ids: ["${b}", "${uniqueId()}", "${a}"]) { id } }`);
    assert.deepEqual(response.body.data, { products: [{ id: String(b) }, { id: String(a) }] });
  });

  it('refuses more than 100 ids in one lookup', async () => {
    const many = Array.from({ length: 101 }, (_, index) => `"${index + 1}"`).join(',');
    const response = await gateway.query(`{ products(ids: [${many}]) { id } }`);
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it("pages through a category's products with cursors", async () => {
    const categoryId = uniqueId() % 2_000_000_000;
    await execute(writer, 'INSERT INTO categories (id, parent_id, name, slug) VALUES (?, NULL, ?, ?)', [
      categoryId,
      '分页 Paging',
      `paging-${categoryId}`,
    ]);
    const pageIds = [uniqueId(), uniqueId(), uniqueId()].sort((x, y) => x - y);
    ids.push(...pageIds);
    for (const id of pageIds) await insertProduct(writer, id, { category_id: categoryId });
    try {
      const page = (after: string | null) =>
        gateway.query(
          `query($after: String) { category(id: "${categoryId}") { products(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
          { after },
        );
      const first = await page(null);
      const firstPage = (
        first.body.data?.category as { products: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }
      ).products;
      assert.deepEqual(
        firstPage.nodes.map((node) => node.id),
        pageIds.slice(0, 2).map(String),
      );
      assert.equal(firstPage.pageInfo.hasNextPage, true);
      const second = await page(firstPage.pageInfo.endCursor);
      const secondPage = (second.body.data?.category as { products: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } })
        .products;
      assert.deepEqual(
        secondPage.nodes.map((node) => node.id),
        [String(pageIds[2])],
      );
      assert.equal(secondPage.pageInfo.hasNextPage, false);
      const bad = await page('not-a-cursor');
      assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    } finally {
      await execute(writer, 'DELETE FROM categories WHERE id = ?', [categoryId]);
    }
  });

  it('answers malformed GraphQL with a parse error code, not a server error', async () => {
    const response = await gateway.query('{ product(id: "1") { id ');
    assert.equal(response.status, 400);
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
  });
});

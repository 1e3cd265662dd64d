import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { categoryEntity } from '../../../src/schema/category.type.js';
import { orderItemEntity } from '../../../src/schema/order-item.type.js';
import { orderEntity } from '../../../src/schema/order.type.js';
import { productEntity } from '../../../src/schema/product.type.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute } from '../../support/writer.js';
import type { SearchFixture } from './search-fixtures.js';
import { createSearchFixture, dataOf, deleteHarnessIndices, errorCodeOf, idBlock } from './search-fixtures.js';

const ANALYST = { 'x-api-key': 'analyst-key-0123456789' };
const PERSONAL_ONLY = { 'x-api-key': 'personal-key-0123456789' };

interface Bucket {
  start: string;
  label: string;
  orders: number;
  revenue: string;
}

describe('sales analytics over the orders and order-items indices', () => {
  const tag = randomBytes(4).toString('hex');
  const c = idBlock(10, 'int');
  const p = idBlock(10);
  const o = idBlock(10);
  const i = idBlock(20);
  const cat = { a: String(c), a1: String(c + 1), a2: String(c + 2), b: String(c + 3) };
  const prod = { a1: String(p), a2: String(p + 1), b: String(p + 2) };
  let gateway: GatewayHarness;
  let writer: Pool;
  let fixture: SearchFixture;

  const SALES = `query ($range: TimeRangeInput!, $interval: SalesInterval!, $tz: String, $category: ID) {
    salesOverTime(range: $range, interval: $interval, currency: "CNY", timeZone: $tz, categoryId: $category) { start label orders revenue }
  }`;
  const sales = async (from: string, to: string, interval: string, extra: Record<string, unknown> = {}) =>
    dataOf<Bucket[]>(await gateway.query(SALES, { range: { from, to }, interval, ...extra }, ANALYST), 'salesOverTime');
  const compact = (buckets: Bucket[]) => buckets.map((bucket) => `${bucket.label} ${bucket.orders} ${bucket.revenue}`);

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({
      env: { API_KEYS: `analyst:${ANALYST['x-api-key']}:analyst,personal:${PERSONAL_ONLY['x-api-key']}:personal` },
    });
    fixture = createSearchFixture(gateway, writer);
    for (const [id, parent] of [
      [cat.a, null],
      [cat.a1, cat.a],
      [cat.a2, cat.a1],
      [cat.b, null],
    ] as const) {
      await fixture.insert('categories', { id, parent_id: parent, name: `Category ${id}`, slug: `it-${tag}-${id}` });
    }
    for (const [id, categoryId] of [
      [prod.a1, cat.a1],
      [prod.a2, cat.a2],
      [prod.b, cat.b],
    ] as const) {
      await fixture.insert('products', {
        id,
        sku: `it-${tag}-${id}`,
        name: `Product ${id}`,
        category_id: categoryId,
        brand: 'Acme',
        price: '1.00',
        stock: 1,
        status: 'active',
        tags: '[]',
      });
    }
    const orders: [number, string, string, string, string][] = [
      [0, '2025-03-01 15:30:00', 'paid', 'CNY', '0.10'],
      [1, '2025-03-01 16:30:00', 'completed', 'CNY', '0.20'],
      [2, '2025-03-02 10:00:00', 'shipped', 'CNY', '100.00'],
      [3, '2025-03-02 11:00:00', 'cancelled', 'CNY', '500.00'],
      [4, '2025-03-02 12:00:00', 'paid', 'USD', '7.00'],
      [5, '2025-03-04 01:00:00', 'pending', 'CNY', '9.99'],
    ];
    for (const [n, created, status, currency, total] of orders)
      await fixture.insert('orders', { id: o + n, user_id: 1, status, total, currency, created_at: created });
    const items: [number, string, number, string][] = [
      [0, prod.a1, 1, '0.10'],
      [1, prod.a2, 2, '0.05'],
      [1, prod.b, 1, '0.10'],
      [2, prod.a1, 3, '20.00'],
      [2, prod.b, 4, '10.00'],
      [3, prod.a1, 10, '50.00'],
      [4, prod.a2, 1, '7.00'],
      [5, prod.b, 1, '9.99'],
    ];
    for (const [n, [order, product, quantity, price]] of items.entries())
      await fixture.insert('order_items', { id: i + n, order_id: o + order, product_id: product, quantity, unit_price: price });
    await fixture.index(categoryEntity, Object.values(cat));
    await fixture.index(productEntity, Object.values(prod));
    await fixture.index(
      orderEntity,
      orders.map(([n]) => String(o + n)),
    );
    await fixture.index(
      orderItemEntity,
      items.map((_, n) => String(i + n)),
    );
  });

  after(async () => {
    await fixture.cleanup();
    await writer.end();
    await deleteHarnessIndices(gateway);
    await gateway.close();
  });

  it('counts orders and sums revenue exactly per day, in UTC and in Asia/Shanghai', async () => {
    assert.deepEqual(compact(await sales('2025-03-01T00:00:00Z', '2025-03-04T00:00:00Z', 'DAY')), [
      '2025-03-01T00:00:00Z 2 0.30',
      '2025-03-02T00:00:00Z 1 100.00',
      '2025-03-03T00:00:00Z 0 0.00',
    ]);
    const shanghai = await sales('2025-02-28T16:00:00Z', '2025-03-03T16:00:00Z', 'DAY', { tz: 'Asia/Shanghai' });
    assert.deepEqual(compact(shanghai), [
      '2025-03-01T00:00:00+08:00 1 0.10',
      '2025-03-02T00:00:00+08:00 2 100.20',
      '2025-03-03T00:00:00+08:00 0 0.00',
    ]);
    assert.equal(shanghai[0]?.start, '2025-02-28T16:00:00.000Z');
  });

  it('buckets by hour, week and month', async () => {
    assert.deepEqual(compact(await sales('2025-03-01T15:00:00Z', '2025-03-01T18:00:00Z', 'HOUR')), [
      '2025-03-01T15:00:00Z 1 0.10',
      '2025-03-01T16:00:00Z 1 0.20',
      '2025-03-01T17:00:00Z 0 0.00',
    ]);
    assert.deepEqual(compact(await sales('2025-02-24T00:00:00Z', '2025-03-10T00:00:00Z', 'WEEK')), [
      '2025-02-24T00:00:00Z 3 100.30',
      '2025-03-03T00:00:00Z 0 0.00',
    ]);
    assert.deepEqual(compact(await sales('2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z', 'MONTH')), ['2025-03-01T00:00:00Z 3 100.30']);
  });

  it("restricts to a category and its sub-categories, summing that category's lines", async () => {
    const range = ['2025-03-01T00:00:00Z', '2025-03-03T00:00:00Z'] as const;
    assert.deepEqual(compact(await sales(...range, 'DAY', { category: cat.a })), [
      '2025-03-01T00:00:00Z 2 0.20',
      '2025-03-02T00:00:00Z 1 60.00',
    ]);
    assert.deepEqual(compact(await sales(...range, 'DAY', { category: cat.a2 })), [
      '2025-03-01T00:00:00Z 1 0.10',
      '2025-03-02T00:00:00Z 0 0.00',
    ]);
    assert.deepEqual(compact(await sales(...range, 'DAY', { category: cat.b })), [
      '2025-03-01T00:00:00Z 1 0.10',
      '2025-03-02T00:00:00Z 1 40.00',
    ]);
  });

  it('ranks top products by revenue and by units', async () => {
    const TOP = `query ($by: TopProductsBy) { topProducts(range: { from: "2025-03-01T00:00:00Z", to: "2025-03-05T00:00:00Z" }, currency: "CNY", by: $by, first: 5) { productId units revenue orders product { name } } }`;
    const byRevenue = dataOf<{ productId: string; units: number; revenue: string; orders: number; product: { name: string } }[]>(
      await gateway.query(TOP, { by: 'REVENUE' }, ANALYST),
      'topProducts',
    );
    assert.deepEqual(
      byRevenue.map((row) => `${row.productId} ${row.units} ${row.revenue} ${row.orders}`),
      [`${prod.a1} 4 60.10 2`, `${prod.b} 5 40.10 2`, `${prod.a2} 2 0.10 1`],
    );
    assert.equal(byRevenue[0]?.product.name, `Product ${prod.a1}`);
    const byUnits = dataOf<{ productId: string }[]>(await gateway.query(TOP, { by: 'UNITS' }, ANALYST), 'topProducts');
    assert.deepEqual(
      byUnits.map((row) => row.productId),
      [prod.b, prod.a1, prod.a2],
    );
  });

  it('breaks sales down by root category and by the children of a category', async () => {
    const BREAKDOWN = `query ($parent: ID) { categoryBreakdown(range: { from: "2025-03-01T00:00:00Z", to: "2025-03-05T00:00:00Z" }, currency: "CNY", parentId: $parent) { categoryId units revenue orders category { name } } }`;
    const roots = dataOf<{ categoryId: string; units: number; revenue: string; orders: number }[]>(
      await gateway.query(BREAKDOWN, {}, ANALYST),
      'categoryBreakdown',
    );
    assert.deepEqual(
      roots.map((row) => `${row.categoryId} ${row.units} ${row.revenue} ${row.orders}`),
      [`${cat.a} 6 60.20 3`, `${cat.b} 5 40.10 2`],
    );
    const below = dataOf<{ categoryId: string; revenue: string; category: { name: string } }[]>(
      await gateway.query(BREAKDOWN, { parent: cat.a }, ANALYST),
      'categoryBreakdown',
    );
    assert.deepEqual(
      below.map((row) => `${row.categoryId} ${row.revenue} ${row.category.name}`),
      [`${cat.a1} 60.20 Category ${cat.a1}`],
    );
  });

  it('follows an order refunded and a product moved to another category, through the embedded copies', async () => {
    await execute(writer, 'UPDATE orders SET status = ? WHERE id = ?', ['refunded', o + 2]);
    await fixture.index(orderEntity, [String(o + 2)]);
    assert.deepEqual(compact(await sales('2025-03-02T00:00:00Z', '2025-03-03T00:00:00Z', 'DAY', { category: cat.a })), [
      '2025-03-02T00:00:00Z 0 0.00',
    ]);
    await execute(writer, 'UPDATE products SET category_id = ? WHERE id = ?', [cat.a2, prod.b]);
    await fixture.index(productEntity, [prod.b]);
    assert.deepEqual(compact(await sales('2025-03-01T00:00:00Z', '2025-03-02T00:00:00Z', 'DAY', { category: cat.a2 })), [
      '2025-03-01T00:00:00Z 1 0.20',
    ]);
  });

  it('is for analysts only and validates its arguments', async () => {
    const query = `{ salesOverTime(range: { from: "2025-03-01T00:00:00Z", to: "2025-03-02T00:00:00Z" }, interval: DAY, currency: "CNY") { orders } }`;
    assert.equal(errorCodeOf(await gateway.query(query)), 'UNAUTHENTICATED');
    assert.equal(errorCodeOf(await gateway.query(query, {}, PERSONAL_ONLY)), 'FORBIDDEN');
    const invalid = async (from: string, to: string, interval: string, extra: Record<string, unknown>) =>
      errorCodeOf(await gateway.query(SALES, { range: { from, to }, interval, ...extra }, ANALYST));
    assert.equal(await invalid('2025-03-01T00:00:00Z', '2025-03-02T00:00:00Z', 'DAY', { tz: 'Mars/Olympus' }), 'BAD_USER_INPUT');
    assert.equal(await invalid('2024-01-01T00:00:00Z', '2025-03-02T00:00:00Z', 'HOUR', {}), 'BAD_USER_INPUT');
    assert.equal(await invalid('2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z', 'DAY', {}), 'BAD_USER_INPUT');
  });
});

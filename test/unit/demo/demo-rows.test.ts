import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOrderBundle } from '../../../src/demo/demo-orders.js';
import type { OrderBundle, OrderLookups } from '../../../src/demo/demo-orders.js';
import { buildCategoryRow, buildProductRow, buildUserRow, categoryDepth, planDemoData, rowRandom } from '../../../src/demo/demo-rows.js';
import { YEAR_MS } from '../../../src/demo/demo-row-shapes.js';
import { centsFromDecimal, formatCents, formatDateTime } from '../../../src/demo/demo-row-shapes.js';
import type { DemoPlan } from '../../../src/demo/demo-rows.js';
import type { ProductRow } from '../../../src/demo/demo-row-shapes.js';

const CJK = /[\u4e00-\u9fff]/;
const EMOJI = /\p{Extended_Pictographic}/u;
const MONEY = /^\d+\.\d{2}$/;
const DATETIME_MS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

const plan = planDemoData(2_000, 1);
const products = (seed: number, count: number, inPlan: DemoPlan = plan): ProductRow[] =>
  Array.from({ length: count }, (_, index) => buildProductRow(rowRandom(seed, 'products', index + 1), index + 1, inPlan));

/** Lookups as the generator derives them from the product and user rows it built. */
function lookupsFor(seed: number, inPlan: DemoPlan): OrderLookups {
  const prices = products(seed, inPlan.productCount, inPlan).map((row) => centsFromDecimal(row.price));
  const referrers = Array.from(
    { length: inPlan.userCount },
    (_, index) => buildUserRow(rowRandom(seed, 'users', index + 1), index + 1, inPlan).referrer_id,
  );
  return { priceCentsOf: (id) => prices[id - 1] ?? 0, referrerOf: (id) => referrers[id - 1] ?? null };
}

function orders(seed: number, count: number, inPlan: DemoPlan): OrderBundle[] {
  const lookups = lookupsFor(seed, inPlan);
  const bundles: OrderBundle[] = [];
  let next = { item: 1, commission: 1 };
  for (let id = 1; id <= count; id += 1) {
    const bundle = buildOrderBundle(rowRandom(seed, 'orders', id), id, inPlan, lookups, next);
    bundles.push(bundle);
    next = { item: next.item + bundle.items.length, commission: next.commission + bundle.commissions.length };
  }
  return bundles;
}

describe('demo data plan', () => {
  it('sizes every table from the product count', () => {
    assert.deepEqual(
      { ...planDemoData(200, 1), endsAtMs: 0 },
      {
        seed: 1,
        endsAtMs: 0,
        categoryCount: 12,
        rootCategoryCount: 3,
        midCategoryCount: 3,
        productCount: 200,
        userCount: 40,
        orderCount: 100,
      },
    );
    const large = planDemoData(1_000_000, 1);
    assert.equal(large.categoryCount, 5_000);
    assert.equal(large.userCount, 200_000);
    assert.equal(large.orderCount, 500_000);
  });

  it('keeps at least one user and one order for the smallest size', () => {
    const tiny = planDemoData(1, 1);
    assert.equal(tiny.userCount, 1);
    assert.equal(tiny.orderCount, 1);
  });
});

describe('demo data row builders', () => {
  it('build the same rows for the same seed', () => {
    assert.deepEqual(products(3, 200), products(3, 200));
    assert.deepEqual(orders(3, 50, planDemoData(200, 3)), orders(3, 50, planDemoData(200, 3)));
  });

  it('build different rows for a different seed', () => {
    assert.notDeepEqual(products(3, 20), products(4, 20));
  });

  it('build a row from its id alone, whatever was built before it', () => {
    const direct = buildProductRow(rowRandom(3, 'products', 150), 150, plan);
    assert.deepEqual(products(3, 150)[149], direct);
  });

  it('write prices with two decimals within the price bands', () => {
    for (const row of products(5, 1_000)) {
      assert.match(row.price, MONEY);
      const cents = centsFromDecimal(row.price);
      assert.ok(cents >= 100 && cents <= 2_000_099, `price ${row.price}`);
    }
  });

  it('write tags as a JSON array of strings and attributes as a JSON object or NULL', () => {
    const rows = products(6, 500);
    for (const row of rows) {
      const tags: unknown = JSON.parse(row.tags);
      assert.ok(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'), row.tags);
      if (row.attributes !== null) {
        const attributes: unknown = JSON.parse(row.attributes);
        assert.ok(typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes), row.attributes);
      }
    }
    assert.ok(
      rows.some((row) => row.attributes === null),
      'some attributes are NULL',
    );
    assert.ok(
      rows.some((row) => row.description === null),
      'some descriptions are NULL',
    );
  });

  it('mix CJK, emoji, out-of-stock products and every status into the catalogue', () => {
    const rows = products(7, 500);
    assert.ok(
      rows.some((row) => CJK.test(row.name)),
      'a CJK product name',
    );
    assert.ok(
      rows.some((row) => /[A-Za-z]/.test(row.name) && CJK.test(row.name)),
      'a mixed-script product name',
    );
    assert.ok(
      rows.some((row) => row.description !== null && EMOJI.test(row.description)),
      'an emoji in a description',
    );
    assert.ok(
      rows.some((row) => row.stock === 0),
      'an out-of-stock product',
    );
    assert.deepEqual(new Set(rows.map((row) => row.status)), new Set(['active', 'draft', 'archived']));
  });

  it('spread creation times over the year before the end, at millisecond precision', () => {
    for (const row of products(8, 300)) {
      assert.match(row.created_at, DATETIME_MS);
      assert.match(row.updated_at, DATETIME_MS);
      const created = Date.parse(`${row.created_at.replace(' ', 'T')}Z`);
      assert.ok(created >= plan.endsAtMs - YEAR_MS && created < plan.endsAtMs, row.created_at);
      assert.ok(row.updated_at >= row.created_at, `${row.updated_at} before ${row.created_at}`);
    }
  });

  it('build a category tree two or three levels deep whose parents are shallower', () => {
    const large = planDemoData(20_000, 2);
    const rows = Array.from({ length: large.categoryCount }, (_, index) =>
      buildCategoryRow(rowRandom(2, 'categories', index + 1), index + 1, large),
    );
    assert.equal(new Set(rows.map((row) => row.slug)).size, rows.length, 'slugs are unique');
    for (const row of rows) {
      const depth = categoryDepth(large, row.id);
      if (depth === 1) assert.equal(row.parent_id, null);
      else assert.equal(categoryDepth(large, row.parent_id ?? 0), depth - 1, `category ${row.id}`);
    }
    assert.ok(rows.some((row) => categoryDepth(large, row.id) === 3));
  });

  it('give users unique e-mails and uplines that joined before them', () => {
    const rows = Array.from({ length: 400 }, (_, index) => buildUserRow(rowRandom(4, 'users', index + 1), index + 1, plan));
    assert.equal(new Set(rows.map((row) => row.email)).size, rows.length);
    for (const row of rows) if (row.referrer_id !== null) assert.ok(row.referrer_id < row.id);
    assert.ok(rows.some((row) => row.referrer_id === null) && rows.some((row) => row.referrer_id !== null));
  });
});

describe('demo order bundles', () => {
  const orderPlan = planDemoData(2_000, 9);
  const bundles = orders(9, orderPlan.orderCount, orderPlan);

  it('total each order as the sum of its 1-5 distinct lines', () => {
    for (const { order, items } of bundles) {
      assert.ok(items.length >= 1 && items.length <= 5);
      assert.equal(new Set(items.map((item) => item.product_id)).size, items.length);
      const sum = items.reduce((cents, item) => cents + centsFromDecimal(item.unit_price) * item.quantity, 0);
      assert.equal(order.total, formatCents(sum));
    }
  });

  it('number items and commissions consecutively across orders', () => {
    const itemIds = bundles.flatMap(({ items }) => items.map((item) => item.id));
    const commissionIds = bundles.flatMap(({ commissions }) => commissions.map((row) => row.id));
    assert.deepEqual(
      itemIds,
      itemIds.map((_, index) => index + 1),
    );
    assert.deepEqual(
      commissionIds,
      commissionIds.map((_, index) => index + 1),
    );
  });

  it('pay commissions on about a third of orders, to the upline of the buyer', () => {
    const { referrerOf } = lookupsFor(9, orderPlan);
    const earning = bundles.filter(({ commissions }) => commissions.length > 0);
    const share = earning.length / bundles.length;
    assert.ok(share > 0.25 && share < 0.42, `share of orders with commissions: ${share}`);
    for (const { order, commissions } of earning) {
      assert.ok(order.paid_at !== null);
      const direct = commissions.find((row) => row.type === 'direct');
      assert.equal(direct?.user_id, referrerOf(order.user_id));
      const team = commissions.find((row) => row.type === 'team');
      if (team !== undefined) assert.equal(team.user_id, referrerOf(referrerOf(order.user_id) ?? 0));
      for (const row of commissions) assert.match(row.amount, MONEY);
    }
    assert.ok(
      earning.some(({ commissions }) => commissions.some((row) => row.type === 'bonus')),
      'a bonus',
    );
  });

  it('leave unpaid orders without paid_at and write paid_at in whole seconds', () => {
    for (const { order } of bundles) {
      if (order.status === 'pending' || order.status === 'cancelled') assert.equal(order.paid_at, null);
      else assert.match(order.paid_at ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });
});

describe('demo value formatting', () => {
  it('formats cents and dates exactly', () => {
    assert.equal(formatCents(0), '0.00');
    assert.equal(formatCents(1_234_505), '12345.05');
    assert.equal(centsFromDecimal('12345.05'), 1_234_505);
    assert.equal(centsFromDecimal('7.5'), 750);
    assert.throws(() => formatCents(1.5), /integer cents/);
    assert.equal(formatDateTime(Date.UTC(2025, 1, 3, 4, 5, 6, 78), 3), '2025-02-03 04:05:06.078');
    assert.equal(formatDateTime(Date.UTC(2025, 1, 3, 4, 5, 6, 78), 0), '2025-02-03 04:05:06');
  });
});

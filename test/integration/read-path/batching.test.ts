import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';

/** A user with `orderCount` orders of two items each, over two products. */
async function seedUserWithOrders(writer: Pool, orderCount: number) {
  const userId = uniqueId();
  const productIds = [uniqueId(), uniqueId()];
  for (const id of productIds) await insertProduct(writer, id);
  await execute(writer, 'INSERT INTO users (id, name, email, level, is_active, created_at) VALUES (?, ?, ?, ?, 1, ?)', [
    userId,
    '批量 Batch',
    `batch-${userId}@example.test`,
    'member',
    '2025-01-01 00:00:00.000',
  ]);
  const orderIds: number[] = [];
  for (let index = 0; index < orderCount; index += 1) {
    const orderId = uniqueId();
    orderIds.push(orderId);
    await execute(writer, 'INSERT INTO orders (id, user_id, status, total, currency, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      orderId,
      userId,
      'paid',
      '20.00',
      'CNY',
      '2025-01-02 00:00:00.000',
    ]);
    for (const productId of productIds) {
      await execute(writer, 'INSERT INTO order_items (id, order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, 1, ?)', [
        uniqueId(),
        orderId,
        productId,
        '10.00',
      ]);
    }
  }
  const cleanup = async () => {
    await execute(writer, `DELETE FROM order_items WHERE order_id IN (${orderIds.map(() => '?').join(',')})`, orderIds);
    await execute(writer, `DELETE FROM orders WHERE user_id = ?`, [userId]);
    await execute(writer, 'DELETE FROM users WHERE id = ?', [userId]);
    await execute(writer, `DELETE FROM products WHERE id IN (?, ?)`, productIds);
  };
  return { userId, cleanup };
}

const nested = (userId: number, first: number) =>
  `{ user(id: "${userId}") { name orders(first: ${first}) { nodes { id total items { quantity product { id name price } } } } } }`;

async function sqlStatementsFor(gateway: GatewayHarness, query: string): Promise<number> {
  const before = gateway.services.metrics.snapshot().sql_queries;
  const response = await gateway.query(query);
  assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
  return gateway.services.metrics.snapshot().sql_queries - before;
}

describe('batched relation loading', () => {
  let writer: Pool;
  let batched: GatewayHarness;
  let unbatched: GatewayHarness;
  let seeded: Awaited<ReturnType<typeof seedUserWithOrders>>;

  before(async () => {
    writer = createWriterPool();
    seeded = await seedUserWithOrders(writer, 50);
    // 50 orders of up to 100 items each is costed at 25,000 (an unsized list counts its 100): above
    // the default limit, and this test is about statement counts, not the limit.
    const env = { MAX_QUERY_COST: '50000' };
    batched = await startHarness({ env });
    unbatched = await startHarness({ batching: false, env });
  });
  after(async () => {
    await seeded.cleanup();
    await writer.end();
    await batched.close();
    await unbatched.close();
  });

  it('costs a number of SQL statements that grows with depth, not with the number of orders', async () => {
    const forTen = await sqlStatementsFor(batched, nested(seeded.userId, 10));
    await batched.clearCache();
    const forFifty = await sqlStatementsFor(batched, nested(seeded.userId, 50));
    // user, order ids, orders, item ids, items, products: one statement per level.
    assert.equal(forTen, 6);
    assert.equal(forFifty, 6);
  });

  it('costs one statement per row and relation without batching, which is what batching saves', async () => {
    const statements = await sqlStatementsFor(unbatched, nested(seeded.userId, 50));
    // 1 user + 1 order page + 50 orders + 50 item lists + 100 items + 2 distinct products (dedupe within the request).
    assert.ok(statements >= 200, `expected at least 200 statements without batching, saw ${statements}`);
  });

  it('answers a warm nested query from Redis with only the relation-id statements', async () => {
    await sqlStatementsFor(batched, nested(seeded.userId, 50));
    const warm = await sqlStatementsFor(batched, nested(seeded.userId, 50));
    assert.equal(warm, 2, 'order ids and item ids; every row is a cache hit');
  });

  it('coalesces concurrent misses for the same row across requests into one SQL statement', async () => {
    const id = uniqueId();
    await insertProduct(writer, id);
    try {
      const before = batched.services.metrics.snapshot().sql_queries;
      const responses = await Promise.all(Array.from({ length: 20 }, () => batched.query(`{ product(id: "${id}") { id name } }`)));
      for (const response of responses) assert.equal((response.body.data?.product as { id: string }).id, String(id));
      assert.equal(batched.services.metrics.snapshot().sql_queries - before, 1);
    } finally {
      await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
    }
  });
});

import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';

/** The shop application's writer account, for tests that change data the way the app would. */
export function createWriterPool(): Pool {
  return createMysqlPool({ url: loadGatewayConfig(process.env).mysql.writerUrl, poolSize: 4 });
}

/** Unique ids far above the demo data, so tests never touch each other's rows. */
export function uniqueId(): number {
  return 5_000_000 + Math.floor(Math.random() * 4_000_000_000);
}

export async function execute(pool: Pool, sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
  const [result] = await pool.execute<ResultSetHeader>(sql, params as (string | number | null)[]);
  return result;
}

export async function insertProduct(pool: Pool, id: number, overrides: Record<string, unknown> = {}): Promise<void> {
  const row: Record<string, unknown> = {
    id,
    sku: `IT-${id}`,
    name: `测试商品 Test product ${id} 🎧`,
    description: null,
    category_id: 1,
    brand: 'Acme',
    price: '1234.50',
    stock: 7,
    status: 'active',
    is_featured: 1,
    tags: JSON.stringify(['新品', 'test']),
    attributes: JSON.stringify({ color: '黑色', size: { w: 10, h: 2.5 } }),
    created_at: '2025-03-01 10:15:30.123',
    ...overrides,
  };
  const columns = Object.keys(row);
  await execute(pool, `INSERT INTO products (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, Object.values(row));
}

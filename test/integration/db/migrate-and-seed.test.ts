import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DEMO_TABLES, generateDemoData, isDatabaseEmpty } from '../../../src/demo/demo-data.js';
import { applyMigrations, migrationsDirectory } from '../../../src/db/migrate.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';

// Every test works in its own scratch databases (the writer has ALL on `shop_test_%`.*), so the
// configured database and other suites are never touched.
const writerUrl = process.env['MYSQL_WRITER_URL'] ?? 'mysql://shop:shop@127.0.0.1:3306/shop';

describe('migrations and demo data against a real database', () => {
  const admin = createMysqlPool({ url: writerUrl, poolSize: 2 });
  const scratch: { name: string; pool: Pool }[] = [];

  function databaseUrl(name: string): string {
    const url = new URL(writerUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A fresh, empty database and a pool on it; dropped after the suite. */
  async function scratchDatabase(): Promise<Pool> {
    const name = `shop_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const pool = createMysqlPool({ url: databaseUrl(name), poolSize: 4 });
    scratch.push({ name, pool });
    return pool;
  }

  async function migratedDatabase(): Promise<Pool> {
    const pool = await scratchDatabase();
    await applyMigrations(pool, migrationsDirectory());
    return pool;
  }

  /** Every row of every demo table, in id order, as the database returns it. */
  async function dump(pool: Pool): Promise<Record<string, RowDataPacket[]>> {
    const tables: Record<string, RowDataPacket[]> = {};
    for (const table of DEMO_TABLES) [tables[table]] = await pool.query<RowDataPacket[]>(`SELECT * FROM \`${table}\` ORDER BY id`);
    return tables;
  }

  before(async () => {
    await admin.query('SELECT 1');
  });

  after(async () => {
    for (const { name, pool } of scratch) {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
    await admin.end();
  });

  it('applies the shop schema once and nothing the second time', async () => {
    const pool = await scratchDatabase();
    assert.deepEqual(await applyMigrations(pool, migrationsDirectory()), { applied: ['001_shop_schema.sql'] });
    assert.deepEqual(await applyMigrations(pool, migrationsDirectory()), { applied: [] });
    const [tables] = await pool.query<RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    assert.deepEqual(tables.map((row) => String(row['name'])).sort(), [...DEMO_TABLES, 'schema_migrations'].sort());
  });

  it('lets two processes that start together take turns', async () => {
    const pool = await scratchDatabase();
    const other = createMysqlPool({ url: databaseUrl(scratch.at(-1)?.name ?? ''), poolSize: 1 });
    try {
      const results = await Promise.all([applyMigrations(pool, migrationsDirectory()), applyMigrations(other, migrationsDirectory())]);
      assert.deepEqual(
        results.flatMap(({ applied }) => applied),
        ['001_shop_schema.sql'],
      );
    } finally {
      await other.end();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const pool = await scratchDatabase();
    const directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    try {
      await writeFile(join(directory, '001_widgets.sql'), 'CREATE TABLE widgets (id INT PRIMARY KEY);\n');
      await applyMigrations(pool, directory);
      await writeFile(join(directory, '001_widgets.sql'), 'CREATE TABLE widgets (id BIGINT PRIMARY KEY);\n');
      await writeFile(join(directory, '002_gadgets.sql'), 'CREATE TABLE gadgets (id INT PRIMARY KEY);\n');
      await assert.rejects(applyMigrations(pool, directory), { code: 'CONFIG_INVALID', message: /001_widgets\.sql changed/ });
      const [gadgets] = await pool.query<RowDataPacket[]>(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'gadgets'",
      );
      assert.equal(gadgets.length, 0, 'nothing after the edited file was applied');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('generates the expected row counts into an empty shop', async () => {
    const pool = await migratedDatabase();
    assert.equal(await isDatabaseEmpty(pool), true);
    const summary = await generateDemoData(pool, { size: 200, seed: 11 });
    assert.equal(await isDatabaseEmpty(pool), false);
    assert.deepEqual(
      { ...summary.counts, order_items: 0, commissions: 0 },
      { categories: 12, products: 200, users: 40, orders: 100, order_items: 0, commissions: 0 },
    );
    assert.ok(summary.counts.order_items >= 100 && summary.counts.order_items <= 500);
    assert.ok(summary.counts.commissions > 0);
    for (const table of DEMO_TABLES) {
      const [[row]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS count FROM \`${table}\``);
      assert.equal(Number(row?.['count']), summary.counts[table], table);
    }
    await assert.rejects(generateDemoData(pool, { size: 200, seed: 11 }), {
      code: 'BAD_USER_INPUT',
      message: /already have rows: categories/,
    });
  });

  it('stores text, JSON, decimals and times exactly as generated', async () => {
    const pool = await migratedDatabase();
    await generateDemoData(pool, { size: 200, seed: 12 });
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS cjk FROM products WHERE name REGEXP '[一-龥]' OR description LIKE '%☕%' OR description LIKE '%🎧%'",
    );
    assert.ok(Number(rows[0]?.['cjk']) > 0);
    const [[product]] = await pool.query<RowDataPacket[]>(
      'SELECT price, created_at, JSON_LENGTH(tags) AS tag_count FROM products ORDER BY id LIMIT 1',
    );
    assert.match(String(product?.['price']), /^\d+\.\d{2}$/);
    assert.match(String(product?.['created_at']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    assert.ok(Number(product?.['tag_count']) >= 0);
  });

  it('produces identical tables for the same seed and different ones for another seed', async () => {
    const [first, second, other] = [await migratedDatabase(), await migratedDatabase(), await migratedDatabase()];
    await generateDemoData(first, { size: 200, seed: 21 });
    await generateDemoData(second, { size: 200, seed: 21, concurrency: 1 });
    await generateDemoData(other, { size: 200, seed: 22 });
    const firstRows = await dump(first);
    assert.deepEqual(await dump(second), firstRows);
    assert.notDeepEqual((await dump(other))['products'], firstRows['products']);
  });
});

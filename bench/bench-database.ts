import type { Pool, RowDataPacket } from 'mysql2/promise';
import { generateDemoData } from '../src/demo/demo-data.js';
import { applyMigrations, migrationsDirectory } from '../src/db/migrate.js';
import { createMysqlPool } from '../src/db/mysql-pool.js';

/**
 * The bench's own database beside `shop`: the writer account has ALL on `shop_test_%` and the
 * gateway account SELECT, so a bench gateway reads it exactly as it reads `shop`. The demo/test
 * data in `shop` is never touched. A database already holding the full data set of the requested
 * size is reused (seeding 100k products takes about a minute); anything else is dropped and rebuilt.
 */
export interface BenchDatabase {
  readonly name: string;
  /** MYSQL_URL for a bench gateway: the read-only account on the bench database. */
  readonly readerUrl: string;
  readonly writerUrl: string;
  readonly size: number;
  /** Whether this run generated the data (false: reused from an earlier run). */
  readonly seeded: boolean;
  readonly seedSeconds: number;
}

/** The same server and account, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const CHARSET = 'DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** Statements that need no database selected (CREATE/DROP DATABASE), on a short-lived connection. */
export async function onServer(writerUrl: string, ...statements: string[]): Promise<void> {
  const server = createMysqlPool({ url: withDatabase(writerUrl, ''), poolSize: 1 });
  try {
    for (const statement of statements) await server.query(statement);
  } finally {
    await server.end();
  }
}

async function count(pool: Pool, table: string): Promise<number> {
  try {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
    return Number(rows[0]?.['n'] ?? 0);
  } catch {
    return -1;
  }
}

/** Complete when products and orders (the last table the generator fills) have their planned counts. */
async function holdsDataSet(pool: Pool, size: number): Promise<boolean> {
  return (await count(pool, 'products')) === size && (await count(pool, 'orders')) === Math.max(1, Math.floor(size / 2));
}

export async function prepareBenchDatabase(options: {
  readonly name: string;
  readonly readerUrl: string;
  readonly writerUrl: string;
  readonly size: number;
  readonly log: (line: string) => void;
}): Promise<BenchDatabase> {
  const { name, size, log } = options;
  if (!/^shop_test_[a-z0-9_]+$/.test(name))
    throw new Error(`bench database ${name} must be named shop_test_* (the accounts' grants cover only those)`);
  const writerUrl = withDatabase(options.writerUrl, name);
  const readerUrl = withDatabase(options.readerUrl, name);
  await onServer(options.writerUrl, `CREATE DATABASE IF NOT EXISTS \`${name}\` ${CHARSET}`);
  let pool = createMysqlPool({ url: writerUrl, poolSize: 4 });
  try {
    if (await holdsDataSet(pool, size)) {
      log(`database ${name} already holds ${size} products: reused`);
      return { name, readerUrl, writerUrl, size, seeded: false, seedSeconds: 0 };
    }
    // Anything else (another size, a seed cut short) is rebuilt from scratch.
    await pool.end();
    await onServer(options.writerUrl, `DROP DATABASE IF EXISTS \`${name}\``, `CREATE DATABASE \`${name}\` ${CHARSET}`);
    pool = createMysqlPool({ url: writerUrl, poolSize: 4 });
    await applyMigrations(pool, migrationsDirectory());
    log(`seeding ${name} with ${size} products (deterministic demo generator)`);
    const began = performance.now();
    await generateDemoData(pool, { size, concurrency: 4 });
    const seedSeconds = (performance.now() - began) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s`);
    return { name, readerUrl, writerUrl, size, seeded: true, seedSeconds };
  } finally {
    await pool.end();
  }
}

/** Users with the most orders: a nested query over them has lists as long as asked for. */
export async function usersWithOrders(readerUrl: string, minimumOrders: number, limit: number): Promise<string[]> {
  const pool = createMysqlPool({ url: readerUrl, poolSize: 1 });
  try {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT user_id FROM orders GROUP BY user_id HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, user_id LIMIT ?',
      [minimumOrders, limit],
    );
    return rows.map((row) => String(row['user_id']));
  } finally {
    await pool.end();
  }
}

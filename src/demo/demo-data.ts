/**
 * Fills the demo shop through ordinary multi-row INSERTs (so a CDC pipeline sees every row) with
 * deterministic content: the same seed and size give the same rows byte for byte. Rows are built
 * and written in chunks; besides a few chunks in flight, the generator only keeps product prices
 * and user uplines (typed arrays, ~4 bytes per row), so size 1,000,000 runs in bounded memory.
 */
import type { Pool } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { GatewayError } from '../errors.js';
import { buildOrderBundle, COMMISSION_COLUMNS, ORDER_COLUMNS, ORDER_ITEM_COLUMNS } from './demo-orders.js';
import {
  buildCategoryRow,
  buildProductRow,
  buildUserRow,
  CATEGORY_COLUMNS,
  centsFromDecimal,
  DEFAULT_DEMO_END_MS,
  planDemoData,
  PRODUCT_COLUMNS,
  rowRandom,
  USER_COLUMNS,
} from './demo-rows.js';
import type { SqlValue } from './demo-rows.js';

export const DEMO_TABLES = ['categories', 'products', 'users', 'orders', 'order_items', 'commissions'] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];

export interface DemoDataProgress {
  /** Orders are written together with their items and commissions. */
  readonly phase: 'categories' | 'products' | 'users' | 'orders';
  /** Rows of the phase's table handed to the database so far. */
  readonly done: number;
  readonly total: number;
}

export interface DemoDataOptions {
  /** Number of products; every other table is sized from it. */
  readonly size: number;
  /** Unsigned 32-bit integer; defaults to 1. */
  readonly seed?: number;
  /** End of the generated year. Defaults to a fixed instant (2026-01-01Z), not the clock, for reproducibility. */
  readonly endsAt?: Date;
  /** INSERTs in flight at once (each on its own pooled connection); defaults to 4. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: DemoDataProgress) => void;
}

export interface DemoDataSummary {
  readonly seed: number;
  readonly size: number;
  readonly endsAt: string;
  readonly counts: Readonly<Record<DemoTable, number>>;
  readonly durationMs: number;
}

const CHUNK_ROWS = 500;

/** True when the shop has no products, i.e. the demo data has not been generated yet. */
export async function isDatabaseEmpty(pool: Pool): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM products LIMIT 1');
  return rows.length === 0;
}

/**
 * Generates the demo data into empty tables (created by the migrations). Refuses, before writing
 * anything, if any demo table already has rows, since explicit ids would collide half-way through.
 */
export async function generateDemoData(pool: Pool, options: DemoDataOptions): Promise<DemoDataSummary> {
  const startedAt = performance.now();
  const { size, seed = 1, concurrency = 4, onProgress } = options;
  const endsAtMs = options.endsAt?.getTime() ?? DEFAULT_DEMO_END_MS;
  if (!Number.isSafeInteger(size) || size < 1) throw badInput(`size must be a positive integer, got ${size}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw badInput(`seed must be an unsigned 32-bit integer, got ${seed}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw badInput(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isFinite(endsAtMs)) throw badInput('endsAt must be a valid date');

  const occupied = await nonEmptyTables(pool);
  if (occupied.length > 0) throw badInput(`demo data needs empty tables; these already have rows: ${occupied.join(', ')}`);

  const plan = planDemoData(size, seed, endsAtMs);
  const writer = createBoundedWriter(pool, concurrency);
  const report = (phase: DemoDataProgress['phase'], done: number, total: number) => {
    if (onProgress !== undefined && (done % CHUNK_ROWS === 0 || done === total)) onProgress({ phase, done, total });
  };
  try {
    const categories = tableSink(writer, 'categories', CATEGORY_COLUMNS);
    for (let id = 1; id <= plan.categoryCount; id += 1) {
      await categories.push(buildCategoryRow(rowRandom(seed, 'categories', id), id, plan));
      report('categories', id, plan.categoryCount);
    }
    await categories.finish();

    const priceCents = new Uint32Array(plan.productCount + 1);
    const products = tableSink(writer, 'products', PRODUCT_COLUMNS);
    for (let id = 1; id <= plan.productCount; id += 1) {
      const row = buildProductRow(rowRandom(seed, 'products', id), id, plan);
      priceCents[id] = centsFromDecimal(row.price);
      await products.push(row);
      report('products', id, plan.productCount);
    }
    await products.finish();

    // 0 stands for "no upline": user ids start at 1.
    const referrers = new Uint32Array(plan.userCount + 1);
    const users = tableSink(writer, 'users', USER_COLUMNS);
    for (let id = 1; id <= plan.userCount; id += 1) {
      const row = buildUserRow(rowRandom(seed, 'users', id), id, plan);
      referrers[id] = row.referrer_id ?? 0;
      await users.push(row);
      report('users', id, plan.userCount);
    }
    await users.finish();

    const lookups = {
      priceCentsOf: (productId: number) => priceCents[productId] ?? 0,
      referrerOf: (userId: number) => referrers[userId] || null,
    };
    const orders = tableSink(writer, 'orders', ORDER_COLUMNS);
    const items = tableSink(writer, 'order_items', ORDER_ITEM_COLUMNS);
    const commissions = tableSink(writer, 'commissions', COMMISSION_COLUMNS);
    for (let id = 1; id <= plan.orderCount; id += 1) {
      const next = { item: items.pushed + 1, commission: commissions.pushed + 1 };
      const bundle = buildOrderBundle(rowRandom(seed, 'orders', id), id, plan, lookups, next);
      await orders.push(bundle.order);
      for (const item of bundle.items) await items.push(item);
      for (const commission of bundle.commissions) await commissions.push(commission);
      report('orders', id, plan.orderCount);
    }
    await orders.finish();
    await items.finish();
    await commissions.finish();
    await writer.drain();

    return {
      seed,
      size,
      endsAt: new Date(endsAtMs).toISOString(),
      counts: {
        categories: plan.categoryCount,
        products: plan.productCount,
        users: plan.userCount,
        orders: plan.orderCount,
        order_items: items.pushed,
        commissions: commissions.pushed,
      },
      durationMs: Math.round(performance.now() - startedAt),
    };
  } finally {
    // Never return (or throw) while INSERTs are still running on the caller's pool.
    await writer.settle();
  }
}

function badInput(message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `generateDemoData: ${message}`);
}

async function nonEmptyTables(pool: Pool): Promise<DemoTable[]> {
  const occupied: DemoTable[] = [];
  for (const table of DEMO_TABLES) {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT 1 FROM \`${table}\` LIMIT 1`);
    if (rows.length > 0) occupied.push(table);
  }
  return occupied;
}

interface BoundedWriter {
  /** Resolves once the INSERT has a free slot (not when it finishes); rejects after any INSERT failed. */
  write(sql: string, values: SqlValue[]): Promise<void>;
  /** Waits for every INSERT; rejects with the first failure. */
  drain(): Promise<void>;
  /** Waits for every INSERT; never rejects. */
  settle(): Promise<void>;
}

function createBoundedWriter(pool: Pool, limit: number): BoundedWriter {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failure !== undefined) throw failure.error;
  };
  return {
    async write(sql, values) {
      throwIfFailed();
      while (inFlight.size >= limit) {
        await Promise.race(inFlight);
        throwIfFailed();
      }
      // Tracked tasks never reject: the first error is kept and rethrown by the next write or drain.
      const task: Promise<void> = pool.execute(sql, values).then(
        () => undefined,
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    async drain() {
      await Promise.all(inFlight);
      throwIfFailed();
    },
    async settle() {
      await Promise.all(inFlight);
    },
  };
}

type RowOf<C extends string> = { readonly [K in C]: SqlValue };

/** Buffers rows of one table and writes them as one parameterized INSERT per CHUNK_ROWS rows. */
function tableSink<C extends string>(writer: BoundedWriter, table: DemoTable, columns: readonly C[]) {
  const head = `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  // Every chunk but the last has the same shape, so the server prepares this statement once per connection.
  const fullChunkSql = head + Array<string>(CHUNK_ROWS).fill(tuple).join(', ');
  let buffer: RowOf<C>[] = [];
  const flush = async () => {
    const rows = buffer;
    buffer = [];
    const values: SqlValue[] = [];
    for (const row of rows) for (const column of columns) values.push(row[column]);
    const sql = rows.length === CHUNK_ROWS ? fullChunkSql : head + Array<string>(rows.length).fill(tuple).join(', ');
    await writer.write(sql, values);
  };
  const sink = {
    /** Rows accepted so far, written or buffered. */
    pushed: 0,
    async push(row: RowOf<C>): Promise<void> {
      buffer.push(row);
      sink.pushed += 1;
      if (buffer.length >= CHUNK_ROWS) await flush();
    },
    async finish(): Promise<void> {
      if (buffer.length > 0) await flush();
    },
  };
  return sink;
}

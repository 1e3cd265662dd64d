import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import { execute } from '../../support/writer.js';

export interface WriteLoadOptions {
  readonly writer: Pool;
  /** Existing product ids the writers update (and delete and re-insert when `churn` is set). */
  readonly ids: readonly number[];
  readonly writers: number;
  /** Pause between two statements of one writer. */
  readonly pauseMs?: number;
  /** Also delete and re-create rows (exercises tombstones and resurrection). */
  readonly churn?: boolean;
}

export interface WriteLoadFigures {
  /** Statements MySQL acknowledged. */
  readonly committed: number;
  /** Statements that failed (database down or restarting) and were retried. */
  readonly failed: number;
  readonly elapsedMs: number;
}

export interface WriteLoad {
  committed(): number;
  stop(): Promise<WriteLoadFigures>;
}

/**
 * Writers changing a set of products the way the app would, each on its own connection. A failed
 * statement (the database restarting) is counted and retried after a pause; the check at the end
 * judges only what MySQL holds, so a statement whose outcome is unknown cannot make it lie.
 */
export function startWriteLoad(options: WriteLoadOptions): WriteLoad {
  const began = Date.now();
  let stopping = false;
  let committed = 0;
  let failed = 0;

  const change = async (id: number) => {
    const roll = Math.random();
    if (options.churn === true && roll < 0.05) {
      await execute(options.writer, 'DELETE FROM products WHERE id = ?', [id]);
      await execute(
        options.writer,
        "INSERT INTO products (id, sku, name, category_id, brand, price, stock, status, tags, attributes) VALUES (?, ?, ?, 1, 'Acme', '10.00', 0, 'active', '[]', '{}')",
        [id, `FAULT-${id}`, `fault row ${id} reborn`],
      );
    } else if (roll < 0.6) {
      await execute(options.writer, 'UPDATE products SET stock = stock + 1, price = ? WHERE id = ?', [
        (1 + Math.random() * 999).toFixed(2),
        id,
      ]);
    } else {
      await execute(options.writer, 'UPDATE products SET name = ?, updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?', [
        `fault row ${id} v${Date.now()}`,
        id,
      ]);
    }
  };

  const worker = async () => {
    while (!stopping) {
      const id = options.ids[Math.floor(Math.random() * options.ids.length)]!;
      try {
        await change(id);
        committed += 1;
      } catch {
        failed += 1;
        await sleep(250);
      }
      if (options.pauseMs !== undefined && options.pauseMs > 0) await sleep(options.pauseMs);
    }
  };
  const workers = Array.from({ length: options.writers }, () => worker());
  return {
    committed: () => committed,
    async stop() {
      stopping = true;
      await Promise.all(workers);
      return { committed, failed, elapsedMs: Date.now() - began };
    },
  };
}

/** Creates `count` products for a case (ids far above the demo data), in multi-row inserts. */
export async function createFaultProducts(writer: Pool, count: number, firstId: number): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, index) => firstId + index);
  for (let start = 0; start < ids.length; start += 200) {
    const slice = ids.slice(start, start + 200);
    await execute(
      writer,
      `INSERT INTO products (id, sku, name, category_id, brand, price, stock, status, tags, attributes) VALUES ${slice.map(() => "(?, ?, ?, 1, 'Acme', '10.00', 0, 'active', '[]', '{}')").join(', ')}`,
      slice.flatMap((id) => [id, `FAULT-${id}`, `fault row ${id}`]),
    );
  }
  return ids;
}

/** The first id of a block of 100,000 ids no other test uses (above the demo data and uniqueId's range). */
export function faultIdBlock(): number {
  return 6_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100_000;
}

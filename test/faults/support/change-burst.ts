import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import { execute } from '../../support/writer.js';

export interface ChangeBurst {
  readonly ids: readonly number[];
  readonly startedAt: number;
  readonly done: Promise<{ changes: number; statements: number; elapsedMs: number }>;
}

const batchRows = 100;
/** Row changes per batch: insert 100, update 100, rename 100, delete 50, update the other 50. */
const changesPerBatch = 400;

/**
 * Writes exactly `changes` row changes (a multiple of 400) as multi-row statements, paced over
 * `durationMs`. Each batch of 100 new rows goes through every kind of change, so a consumer killed
 * at any point has inserts, updates and deletes of the same rows on both sides of the kill.
 */
export function writeChangeBurst(writer: Pool, options: { firstId: number; changes: number; durationMs: number }): ChangeBurst {
  if (options.changes % changesPerBatch !== 0) throw new Error(`changes must be a multiple of ${changesPerBatch}, got ${options.changes}`);
  const batches = options.changes / changesPerBatch;
  const ids = Array.from({ length: batches * batchRows }, (_, index) => options.firstId + index);
  const startedAt = Date.now();
  const done = (async () => {
    let changes = 0;
    let statements = 0;
    const run = async (sql: string, params: unknown[], expectedRows: number) => {
      const result = await execute(writer, sql, params);
      if (result.affectedRows !== expectedRows)
        throw new Error(`expected ${expectedRows} rows changed, MySQL reported ${result.affectedRows}: ${sql.slice(0, 60)}`);
      changes += result.affectedRows;
      statements += 1;
    };
    for (let batch = 0; batch < batches; batch += 1) {
      const slice = ids.slice(batch * batchRows, (batch + 1) * batchRows);
      const [firstHalf, secondHalf] = [slice.slice(0, batchRows / 2), slice.slice(batchRows / 2)];
      const list = (part: readonly number[]) => part.map(() => '?').join(',');
      await run(
        `INSERT INTO products (id, sku, name, category_id, brand, price, stock, status, tags, attributes) VALUES ${slice.map(() => "(?, ?, ?, 1, 'Acme', '5.00', 0, 'active', '[]', '{}')").join(', ')}`,
        slice.flatMap((id) => [id, `BURST-${id}`, `burst row ${id}`]),
        slice.length,
      );
      await run(`UPDATE products SET stock = stock + 1 WHERE id IN (${list(slice)})`, slice, slice.length);
      await run(`UPDATE products SET name = CONCAT(name, ' renamed') WHERE id IN (${list(slice)})`, slice, slice.length);
      await run(`DELETE FROM products WHERE id IN (${list(firstHalf)})`, firstHalf, firstHalf.length);
      await run(`UPDATE products SET price = price + 1 WHERE id IN (${list(secondHalf)})`, secondHalf, secondHalf.length);
      const due = startedAt + ((batch + 1) * options.durationMs) / batches;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    return { changes, statements, elapsedMs: Date.now() - startedAt };
  })();
  return { ids, startedAt, done };
}

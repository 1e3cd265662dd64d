import { buildProductRow, planDemoData, rowRandom } from '../../src/demo/demo-rows.js';
import type { ProductRow } from '../../src/demo/demo-row-shapes.js';

/**
 * Synthetic Debezium change events for C1, shaped exactly like the stack's connector writes them
 * (JSON converter without schemas, decimal.handling.mode=string: DATETIME(3) as epoch ms,
 * TIMESTAMP(3) as an ISO string, JSON columns as strings). The rows are the bench database's own
 * (same generator, seed and size), so the search applier's category lookups find real rows. The
 * first half creates products 1…n, the second half updates them in a scrambled order.
 */
export interface CdcMessage {
  readonly key: string;
  readonly value: string;
}

/** Multiplier coprime with any size not divisible by 7919, so `i * M mod n` visits every id once. */
const SCRAMBLE = 7919;

const epochMs = (dateTime: string) => Date.parse(`${dateTime.replace(' ', 'T')}Z`);

function debeziumImage(row: ProductRow, stock: number, updatedAtMs: number): Record<string, unknown> {
  return { ...row, stock, created_at: epochMs(row.created_at), updated_at: new Date(updatedAtMs).toISOString() };
}

/** One change before encoding: the key's id and the envelope in the JSON converter's shape. */
export interface CdcEvent {
  readonly id: number;
  readonly envelope: {
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown>;
    readonly source: Record<string, unknown>;
    readonly transaction: null;
    readonly op: 'c' | 'u';
    readonly ts_ms: number;
  };
}

export function productChangeMessages(size: number, count: number, from: number, to: number, nowMs: number): CdcMessage[] {
  return productChangeEvents(size, count, from, to, nowMs).map(({ id, envelope }) => ({
    key: JSON.stringify({ id }),
    value: JSON.stringify(envelope),
  }));
}

/** The changes `from` … `to` of the C1 history, in stream order; each input encoding writes the same events. */
export function productChangeEvents(size: number, count: number, from: number, to: number, nowMs: number): CdcEvent[] {
  const plan = planDemoData(size, 1);
  const events: CdcEvent[] = [];
  const creates = Math.min(size, Math.ceil(count / 2));
  for (let index = from; index < Math.min(to, count); index += 1) {
    const create = index < creates;
    const id = create ? index + 1 : (((((index - creates) * SCRAMBLE) % size) + size) % size) + 1;
    const row = buildProductRow(rowRandom(1, 'products', id), id, plan);
    const before = create ? null : debeziumImage(row, row.stock, epochMs(row.updated_at));
    const after = create ? debeziumImage(row, row.stock, epochMs(row.updated_at)) : debeziumImage(row, (row.stock + index) % 50_000, nowMs);
    const source = {
      version: '3.2.0.Final',
      connector: 'mariadb',
      name: 'bench',
      ts_ms: nowMs,
      snapshot: 'false',
      db: 'shop',
      table: 'products',
      server_id: 1,
      file: 'mariadb-bin.000001',
      // Strictly increasing binlog positions: each message is a newer version than the one before.
      pos: 4 + index * 16,
      row: 0,
    };
    events.push({ id, envelope: { before, after, source, transaction: null, op: create ? 'c' : 'u', ts_ms: nowMs } });
  }
  return events;
}

import type { Row } from '../../../src/rows/row.js';

/**
 * CDC messages shaped like the native stack's Debezium MariaDB connector (JSON converter, schemas
 * off, decimal.handling.mode=string) and TiCDC canal-json, with the rows the gateway must cache.
 */

const COMMITTED_AT_MS = 1_740_824_162_000;

export function productImage(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    sku: `IT-${id}`,
    name: 'Mug',
    description: null,
    category_id: 3,
    brand: 'Acme',
    price: '19.99',
    stock: 5,
    status: 'active',
    is_featured: 1,
    tags: '["kitchen","gift"]',
    attributes: '{"color":"blue"}',
    created_at: 1_740_824_130_123,
    updated_at: '2025-03-01T10:16:02.456Z',
    ...overrides,
  };
}

/** productImage as the cache must hold it: flags as booleans, JSON parsed, DATETIME as ISO text. */
export function expectedProduct(id: number, overrides: Row = {}): Row {
  return {
    id,
    sku: `IT-${id}`,
    name: 'Mug',
    description: null,
    category_id: 3,
    brand: 'Acme',
    price: '19.99',
    stock: 5,
    status: 'active',
    is_featured: true,
    tags: ['kitchen', 'gift'],
    attributes: { color: 'blue' },
    created_at: '2025-03-01T10:15:30.123Z',
    updated_at: '2025-03-01T10:16:02.456Z',
    ...overrides,
  };
}

export function userImage(id: number): Record<string, unknown> {
  return { id, name: 'Ada', email: `ada-${id}@example.com`, referrer_id: null, level: 'gold', is_active: 1, created_at: 1_740_824_130_123 };
}

export function expectedUser(id: number): Row {
  return {
    id,
    name: 'Ada',
    email: `ada-${id}@example.com`,
    referrer_id: null,
    level: 'gold',
    is_active: true,
    created_at: '2025-03-01T10:15:30.123Z',
  };
}

/** A Debezium row event; `pos` orders events (the version is built from binlog file and position). */
export function debeziumMessage(
  table: string,
  op: 'c' | 'u' | 'd',
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  pos: number,
): { key: string; value: string } {
  const image = after ?? before;
  const source = {
    version: '3.0.8.Final',
    connector: 'mariadb',
    name: 'shop',
    ts_ms: COMMITTED_AT_MS,
    snapshot: 'false',
    db: 'shop',
    table,
    server_id: 1,
    gtid: null,
    file: 'mariadb-bin.000004',
    pos,
    row: 0,
  };
  return {
    key: JSON.stringify({ id: image?.['id'] }),
    value: JSON.stringify({ before, after, source, op, ts_ms: COMMITTED_AT_MS + 517, transaction: null }),
  };
}

/** A TiCDC canal-json message for a large row sent key-only: the consumer must re-read it. */
export function ticdcKeyOnly(id: number): { key: null; value: string } {
  const body = JSON.stringify({
    id: 0,
    database: 'shop',
    table: 'products',
    pkNames: ['id'],
    isDdl: false,
    type: 'UPDATE',
    es: COMMITTED_AT_MS,
    ts: COMMITTED_AT_MS + 960,
    sql: '',
    sqlType: { id: -5 },
    mysqlType: { id: 'bigint' },
    data: [{ id: String(id) }],
    old: null,
  });
  // Written as text: a TSO has more digits than a JS number keeps.
  return { key: null, value: `${body.slice(0, -1)},"_tidb":{"commitTs":429918007904436226,"onlyHandleKey":true}}` };
}

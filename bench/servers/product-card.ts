import { rowIdOf } from '../../src/schema/entity.js';
import { col } from '../../src/rows/column-types.js';
import type { Row } from '../../src/rows/row.js';

/**
 * The product card every throughput case asks for: the G1 GraphQL query and the body B0/B1 answer
 * with, built from the same row so that all servers send byte-for-byte comparable responses.
 */
export const PRODUCT_CARD_QUERY = 'query Card($id: ID!) { product(id: $id) { id sku name brand price stock status } }';

/** The product's key alone: the raw servers must not load the GraphQL types. */
const productKey = { name: 'Product', primaryKey: 'id', columns: { id: col.bigint() } } as const;

export function productCardBody(row: Row | null): string {
  if (row === null) return '{"data":{"product":null}}';
  const card = {
    id: rowIdOf(row, productKey),
    sku: row['sku'],
    name: row['name'],
    brand: row['brand'],
    price: row['price'],
    stock: row['stock'],
    status: row['status'],
  };
  return JSON.stringify({ data: { product: card } });
}

import 'reflect-metadata';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { col, notNull } from '../rows/column-types.js';
import type { EmbeddedRelation } from './entity.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DecimalScalar } from './scalars.js';
import { cents, lineCents } from './search-fields.js';

/** Only these related columns reach a line's document: other changes (a product's stock) rewrite no line. */
const lineEmbeds: readonly EmbeddedRelation[] = [
  { table: 'orders', foreignKey: 'order_id', columns: ['status', 'currency', 'created_at'] },
  { table: 'products', foreignKey: 'product_id', columns: ['category_id', 'brand'] },
];

export const orderItemEntity = defineEntity({
  name: 'OrderItem',
  table: 'order_items',
  primaryKey: 'id',
  columns: {
    id: notNull(col.bigint({ unsigned: true })),
    order_id: notNull(col.bigint({ unsigned: true })),
    product_id: notNull(col.bigint({ unsigned: true })),
    quantity: notNull(col.int()),
    unit_price: notNull(col.decimal(2)),
  },
  cache: defaultCachePolicy,
  // Per-line sales analytics (top products, categories, sales of one category over time): the
  // order's status, currency and time and the product's category are copied in, and kept current
  // by the embed machinery when the order or the product changes.
  search: {
    index: 'order-items',
    embeds: lineEmbeds,
    properties: {
      id: { type: 'long' },
      order_id: { type: 'long' },
      product_id: { type: 'long' },
      quantity: { type: 'integer' },
      unit_price_cents: { type: 'long' },
      revenue_cents: { type: 'long' },
      order_status: { type: 'keyword' },
      currency: { type: 'keyword' },
      ordered_at: { type: 'date' },
      category_id: { type: 'long' },
      brand: { type: 'keyword' },
    },
    toDocument(row, related) {
      const order = related.orders ?? null;
      const product = related.products ?? null;
      return {
        id: row.id,
        order_id: row.order_id,
        product_id: row.product_id,
        quantity: row.quantity,
        unit_price_cents: cents(row.unit_price),
        revenue_cents: lineCents(row.quantity, row.unit_price),
        order_status: order?.status ?? null,
        currency: order?.currency ?? null,
        ordered_at: order?.created_at ?? null,
        category_id: product?.category_id ?? null,
        brand: product?.brand ?? null,
      };
    },
  },
});

@ObjectType('OrderItem', { simpleResolvers: true })
export class OrderItem {
  @Field(() => ID) id!: string;
  @Field(() => ID) orderId!: string;
  @Field(() => ID) productId!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => DecimalScalar) unitPrice!: string;
}

export const orderItemIdColumns = ['id', 'order_id', 'product_id'] as const;

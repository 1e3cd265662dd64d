import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col, notNull } from '../rows/column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';
import { cents } from './search-fields.js';

export const orderEntity = defineEntity({
  name: 'Order',
  table: 'orders',
  primaryKey: 'id',
  columns: {
    id: notNull(col.bigint({ unsigned: true })),
    user_id: notNull(col.bigint({ unsigned: true })),
    status: notNull(col.enum()),
    total: notNull(col.decimal(2)),
    currency: notNull(col.string()),
    created_at: notNull(col.datetime(3)),
    paid_at: col.timestamp(0),
  },
  cache: defaultCachePolicy,
  // Sales analytics: one document per order (never an increment), so a replayed change rewrites
  // the same document at its version and sums stay exact. Money as integer cents.
  search: {
    index: 'orders',
    embeds: [],
    properties: {
      id: { type: 'long' },
      user_id: { type: 'long' },
      status: { type: 'keyword' },
      currency: { type: 'keyword' },
      total_cents: { type: 'long' },
      created_at: { type: 'date' },
      paid_at: { type: 'date' },
    },
    toDocument: (row) => ({
      id: row.id,
      user_id: row.user_id,
      status: row.status,
      currency: row.currency,
      total_cents: cents(row.total),
      created_at: row.created_at,
      paid_at: row.paid_at,
    }),
  },
});

@ObjectType('Order', { simpleResolvers: true })
export class Order {
  @Field(() => ID) id!: string;
  @Field(() => ID) userId!: string;
  @Field(() => String, { description: 'pending, paid, shipped, completed, cancelled or refunded' }) status!: string;
  @Field(() => DecimalScalar) total!: string;
  @Field(() => String) currency!: string;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) paidAt!: string | null;
}

export const orderIdColumns = ['id', 'user_id'] as const;

import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col, notNull } from '../rows/column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';
import { cents } from './search-fields.js';

/** The social-commerce app's per-user earnings records. */
export const commissionEntity = defineEntity({
  name: 'Commission',
  table: 'commissions',
  primaryKey: 'id',
  columns: {
    id: notNull(col.bigint({ unsigned: true })),
    user_id: notNull(col.bigint({ unsigned: true })),
    order_id: col.bigint({ unsigned: true }),
    type: notNull(col.enum()),
    amount: notNull(col.decimal(2)),
    status: notNull(col.enum()),
    created_at: notNull(col.datetime(3)),
    settled_at: col.datetime(3),
  },
  cache: defaultCachePolicy,
  // Earnings views: per-user totals by type and status are aggregations over these documents, one
  // per commission row, so inserts, updates, deletes and replays all land exactly.
  search: {
    index: 'commissions',
    embeds: [],
    properties: {
      id: { type: 'long' },
      user_id: { type: 'long' },
      order_id: { type: 'long' },
      type: { type: 'keyword' },
      status: { type: 'keyword' },
      amount_cents: { type: 'long' },
      created_at: { type: 'date' },
      settled_at: { type: 'date' },
    },
    toDocument: (row) => ({
      id: row.id,
      user_id: row.user_id,
      order_id: row.order_id,
      type: row.type,
      status: row.status,
      amount_cents: cents(row.amount),
      created_at: row.created_at,
      settled_at: row.settled_at,
    }),
  },
});

@ObjectType('Commission', { simpleResolvers: true })
export class Commission {
  @Field(() => ID) id!: string;
  @Field(() => ID) userId!: string;
  @Field(() => ID, { nullable: true }) orderId!: string | null;
  @Field(() => String, { description: 'direct, team or bonus' }) type!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String, { description: 'pending, settled or cancelled' }) status!: string;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) settledAt!: string | null;
}

export const commissionIdColumns = ['id', 'user_id', 'order_id'] as const;

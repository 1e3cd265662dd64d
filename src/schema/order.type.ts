import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col } from './column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';

export const orderEntity = defineEntity({
  name: 'Order',
  table: 'orders',
  primaryKey: 'id',
  columns: {
    id: col.bigint(),
    user_id: col.bigint(),
    status: col.enum(),
    total: col.decimal(2),
    currency: col.string(),
    created_at: col.datetime(3),
    paid_at: col.timestamp(0),
  },
  cache: defaultCachePolicy,
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

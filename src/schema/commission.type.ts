import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col } from './column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';

/** The social-commerce app's per-user earnings records. */
export const commissionEntity = defineEntity({
  name: 'Commission',
  table: 'commissions',
  primaryKey: 'id',
  columns: {
    id: col.bigint(),
    user_id: col.bigint(),
    order_id: col.bigint(),
    type: col.enum(),
    amount: col.decimal(2),
    status: col.enum(),
    created_at: col.datetime(3),
    settled_at: col.datetime(3),
  },
  cache: defaultCachePolicy,
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

import 'reflect-metadata';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { col } from './column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DecimalScalar } from './scalars.js';

export const orderItemEntity = defineEntity({
  name: 'OrderItem',
  table: 'order_items',
  primaryKey: 'id',
  columns: {
    id: col.bigint(),
    order_id: col.bigint(),
    product_id: col.bigint(),
    quantity: col.int(),
    unit_price: col.decimal(2),
  },
  cache: defaultCachePolicy,
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

import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col } from '../../../src/rows/column-types.js';
import { defineEntity } from '../../../src/schema/entity.js';
import { DateTimeScalar, DecimalScalar } from '../../../src/schema/scalars.js';

/**
 * An entity the shop does not have, declared the way a user adds a table: this file (declaration +
 * GraphQL type) and wishlist.resolver.ts, nothing else.
 */
export function wishlistEntity(table: string) {
  return defineEntity({
    name: 'Wishlist',
    table,
    primaryKey: 'id',
    columns: { id: col.bigint(), user_id: col.bigint(), note: col.string(), budget: col.decimal(3), added_at: col.datetime(3) },
    cache: { ttlSeconds: 600, jitterSeconds: 60, negativeTtlSeconds: 10, onChange: 'write' },
  });
}

@ObjectType('Wishlist')
export class Wishlist {
  @Field(() => ID) id!: string;
  @Field(() => ID) userId!: string;
  @Field(() => String) note!: string;
  @Field(() => DecimalScalar) budget!: string;
  @Field(() => DateTimeScalar) addedAt!: string;
}

import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col } from './column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar } from './scalars.js';

export const userEntity = defineEntity({
  name: 'User',
  table: 'users',
  primaryKey: 'id',
  columns: {
    id: col.bigint(),
    name: col.string(),
    email: col.string(),
    referrer_id: col.bigint(),
    level: col.enum(),
    is_active: col.bool(),
    created_at: col.datetime(3),
  },
  cache: defaultCachePolicy,
});

@ObjectType('User', { simpleResolvers: true })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) email!: string;
  @Field(() => ID, { nullable: true }) referrerId!: string | null;
  @Field(() => String, { description: 'member, silver, gold or diamond' }) level!: string;
  @Field(() => Boolean) isActive!: boolean;
  @Field(() => DateTimeScalar) createdAt!: string;
}

export const userIdColumns = ['id', 'referrer_id'] as const;

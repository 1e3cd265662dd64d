import 'reflect-metadata';
import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { Roles } from '../auth/viewer.js';
import { col, notNull } from '../rows/column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar } from './scalars.js';

export const userEntity = defineEntity({
  name: 'User',
  table: 'users',
  primaryKey: 'id',
  columns: {
    id: notNull(col.bigint({ unsigned: true })),
    name: notNull(col.string()),
    email: notNull(col.string()),
    referrer_id: col.bigint({ unsigned: true }),
    level: notNull(col.enum()),
    is_active: notNull(col.bool()),
    created_at: notNull(col.datetime(3)),
  },
  cache: defaultCachePolicy,
});

@ObjectType('User', { simpleResolvers: true })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  // Personal data: `simple: false` so the auth checker runs despite the class's simpleResolvers;
  // nullable so a viewer without the role still gets the rest of the user (and a FORBIDDEN error).
  @Authorized(Roles.personal)
  @Field(() => String, { nullable: true, simple: false, description: 'Requires the role personal.' })
  email!: string;
  @Field(() => ID, { nullable: true }) referrerId!: string | null;
  @Field(() => String, { description: 'member, silver, gold or diamond' }) level!: string;
  @Field(() => Boolean) isActive!: boolean;
  @Field(() => DateTimeScalar) createdAt!: string;
}

export const userIdColumns = ['id', 'referrer_id'] as const;

import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { commissionEntity } from '../schema/commission.type.js';
import { orderEntity } from '../schema/order.type.js';
import { User, userEntity } from '../schema/user.type.js';
import { decodeCursor, parseFirst } from './arguments.js';
import { CommissionConnection, OrderConnection } from '../schema/connection.types.js';
import type { RequestContext } from './request-context.js';
import { asCommission, asOrder, asUser, connectionOf, loadOne } from './row-objects.js';

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The upline who referred this user.' })
  referrer(@Root() user: User, @Ctx() context: RequestContext) {
    return loadOne(context, userEntity, user.referrerId, asUser);
  }

  @FieldResolver(() => OrderConnection, { description: "The user's orders, newest first." })
  async orders(
    @Root() user: User,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await context.loaders.children(orderEntity, 'user_id', 'desc', {
      parentId: user.id,
      first: parseFirst(first),
      after: decodeCursor(after),
    });
    return connectionOf(context, orderEntity, page, asOrder);
  }

  @FieldResolver(() => CommissionConnection, { description: "The user's earnings records, newest first." })
  async commissions(
    @Root() user: User,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await context.loaders.children(commissionEntity, 'user_id', 'desc', {
      parentId: user.id,
      first: parseFirst(first),
      after: decodeCursor(after),
    });
    return connectionOf(context, commissionEntity, page, asCommission);
  }
}

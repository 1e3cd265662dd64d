import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Category, categoryEntity } from '../schema/category.type.js';
import { Commission, commissionEntity } from '../schema/commission.type.js';
import { OrderItem, orderItemEntity } from '../schema/order-item.type.js';
import { Order, orderEntity } from '../schema/order.type.js';
import { Product, productEntity } from '../schema/product.type.js';
import { User, userEntity } from '../schema/user.type.js';
import { parseId, parseIds } from './arguments.js';
import type { RequestContext } from './request-context.js';
import { asCategory, asCommission, asOrder, asOrderItem, asProduct, asUser, loadList, loadOne } from './row-objects.js';

@Resolver()
export class QueryResolver {
  @Query(() => Product, { nullable: true, description: 'One product, or null if there is no such product.' })
  product(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, productEntity, parseId(id), asProduct);
  }

  @Query(() => [Product], { description: 'Products by id, in the order asked; unknown ids are left out. At most 100.' })
  products(@Arg('ids', () => [ID]) ids: string[], @Ctx() context: RequestContext) {
    return loadList(context, productEntity, parseIds(ids), asProduct);
  }

  @Query(() => Category, { nullable: true })
  category(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, categoryEntity, parseId(id), asCategory);
  }

  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, userEntity, parseId(id), asUser);
  }

  @Query(() => Order, { nullable: true })
  order(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, orderEntity, parseId(id), asOrder);
  }

  @Query(() => OrderItem, { nullable: true })
  orderItem(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, orderItemEntity, parseId(id), asOrderItem);
  }

  @Query(() => Commission, { nullable: true })
  commission(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return loadOne(context, commissionEntity, parseId(id), asCommission);
  }
}

import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Commission, commissionEntity } from '../schema/commission.type.js';
import { OrderItem, orderItemEntity } from '../schema/order-item.type.js';
import { Order } from '../schema/order.type.js';
import { Product, productEntity } from '../schema/product.type.js';
import { User, userEntity } from '../schema/user.type.js';
import { orderEntity } from '../schema/order.type.js';
import { MAX_PAGE_SIZE } from './arguments.js';
import type { RequestContext } from './request-context.js';
import { asCommission, asOrder, asOrderItem, asProduct, asUser, loadList, loadOne } from './row-objects.js';

@Resolver(() => Order)
export class OrderResolver {
  @FieldResolver(() => User, { nullable: true })
  user(@Root() order: Order, @Ctx() context: RequestContext) {
    return loadOne(context, userEntity, order.userId, asUser);
  }

  @FieldResolver(() => [OrderItem], { description: "The order's line items (at most 100)." })
  async items(@Root() order: Order, @Ctx() context: RequestContext) {
    const page = await context.loaders.children(orderItemEntity, 'order_id', 'asc', {
      parentId: order.id,
      first: MAX_PAGE_SIZE,
      after: null,
    });
    return loadList(context, orderItemEntity, page.ids, asOrderItem);
  }

  @FieldResolver(() => [Commission], { description: 'Commissions this order earned (at most 100).' })
  async commissions(@Root() order: Order, @Ctx() context: RequestContext) {
    const page = await context.loaders.children(commissionEntity, 'order_id', 'asc', {
      parentId: order.id,
      first: MAX_PAGE_SIZE,
      after: null,
    });
    return loadList(context, commissionEntity, page.ids, asCommission);
  }
}

@Resolver(() => OrderItem)
export class OrderItemResolver {
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() item: OrderItem, @Ctx() context: RequestContext) {
    return loadOne(context, productEntity, item.productId, asProduct);
  }

  @FieldResolver(() => Order, { nullable: true })
  order(@Root() item: OrderItem, @Ctx() context: RequestContext) {
    return loadOne(context, orderEntity, item.orderId, asOrder);
  }
}

@Resolver(() => Commission)
export class CommissionResolver {
  @FieldResolver(() => User, { nullable: true })
  user(@Root() commission: Commission, @Ctx() context: RequestContext) {
    return loadOne(context, userEntity, commission.userId, asUser);
  }

  @FieldResolver(() => Order, { nullable: true })
  order(@Root() commission: Commission, @Ctx() context: RequestContext) {
    return loadOne(context, orderEntity, commission.orderId, asOrder);
  }
}

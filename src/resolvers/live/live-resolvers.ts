import type { ClassType } from 'type-graphql';
import { Category, categoryEntity } from '../../schema/category.type.js';
import { Commission, commissionEntity } from '../../schema/commission.type.js';
import { OrderItem, orderItemEntity } from '../../schema/order-item.type.js';
import { Order, orderEntity } from '../../schema/order.type.js';
import { Product, productEntity } from '../../schema/product.type.js';
import { User, userEntity } from '../../schema/user.type.js';
import { asCategory, asCommission, asOrder, asOrderItem, asProduct, asUser } from '../row-objects.js';
import type { LiveEntity } from './entity-change-types.js';
import { changeSubscriptionOf } from './entity-change-types.js';
import { entityChangedResolverOf } from './entity-changed.resolver.js';
import { SearchChangedResolver } from './search-changed.resolver.js';

export const shopLiveEntities: readonly LiveEntity[] = [
  { entity: productEntity, type: Product, convert: asProduct },
  { entity: categoryEntity, type: Category, convert: asCategory },
  { entity: userEntity, type: User, convert: asUser },
  { entity: orderEntity, type: Order, convert: asOrder },
  { entity: orderItemEntity, type: OrderItem, convert: asOrderItem },
  { entity: commissionEntity, type: Commission, convert: asCommission },
];

/**
 * The subscription resolvers: `<entity>Changed(ids)` for each live entity, `entityChanged(type, ids)`
 * over all of them, and `searchProductsChanged`. Generated once per process: type-graphql keeps its
 * metadata globally, so generating twice would declare every type twice.
 */
export function liveResolversOf(lives: readonly LiveEntity[]): ClassType[] {
  return [...lives.map((live) => changeSubscriptionOf(live).resolver), entityChangedResolverOf(lives).resolver, SearchChangedResolver];
}

export const shopLiveResolvers: readonly ClassType[] = liveResolversOf(shopLiveEntities);

import { categoryEntity } from './category.type.js';
import { commissionEntity } from './commission.type.js';
import type { EntityRegistry } from './entity-registry.js';
import { createEntityRegistry } from './entity-registry.js';
import { orderItemEntity } from './order-item.type.js';
import { orderEntity } from './order.type.js';
import { productEntity } from './product.type.js';
import { userEntity } from './user.type.js';

export const shopEntities = [categoryEntity, productEntity, userEntity, orderEntity, orderItemEntity, commissionEntity] as const;

export const createShopRegistry = (): EntityRegistry => createEntityRegistry(shopEntities);

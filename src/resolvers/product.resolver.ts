import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Category, categoryEntity } from '../schema/category.type.js';
import { Product } from '../schema/product.type.js';
import type { RequestContext } from './request-context.js';
import { asCategory, loadOne } from './row-objects.js';

@Resolver(() => Product)
export class ProductResolver {
  @FieldResolver(() => Category, { nullable: true })
  category(@Root() product: Product, @Ctx() context: RequestContext) {
    return loadOne(context, categoryEntity, product.categoryId, asCategory);
  }
}

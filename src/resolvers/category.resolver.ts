import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Category, categoryEntity } from '../schema/category.type.js';
import { productEntity } from '../schema/product.type.js';
import { decodeCursor, MAX_PAGE_SIZE, parseFirst } from './arguments.js';
import { ProductConnection } from '../schema/connection.types.js';
import type { RequestContext } from './request-context.js';
import { asCategory, asProduct, connectionOf, loadList, loadOne } from './row-objects.js';

@Resolver(() => Category)
export class CategoryResolver {
  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: Category, @Ctx() context: RequestContext) {
    return loadOne(context, categoryEntity, category.parentId, asCategory);
  }

  @FieldResolver(() => [Category])
  async children(@Root() category: Category, @Ctx() context: RequestContext) {
    const page = await context.loaders.children(categoryEntity, 'parent_id', 'asc', {
      parentId: category.id,
      first: MAX_PAGE_SIZE,
      after: null,
    });
    return loadList(context, categoryEntity, page.ids, asCategory);
  }

  @FieldResolver(() => ProductConnection, { description: 'Products directly in this category, by id.' })
  async products(
    @Root() category: Category,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await context.loaders.children(productEntity, 'category_id', 'asc', {
      parentId: category.id,
      first: parseFirst(first),
      after: decodeCursor(after),
    });
    return connectionOf(context, productEntity, page, asProduct);
  }
}

import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { toGraphQLObject } from '../../../src/schema/entity-fields.js';
import { parseId } from '../../../src/resolvers/arguments.js';
import type { RequestContext } from '../../../src/resolvers/request-context.js';
import { loadOne } from '../../../src/resolvers/row-objects.js';
import { Wishlist } from './wishlist.type.js';

export function wishlistResolver(entity: EntityDeclaration) {
  @Resolver(() => Wishlist)
  class WishlistResolver {
    @Query(() => Wishlist, { nullable: true })
    wishlist(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
      return loadOne(context, entity, parseId(id), (row) => toGraphQLObject<Wishlist>(row, ['id', 'user_id']));
    }
  }
  return WishlistResolver;
}

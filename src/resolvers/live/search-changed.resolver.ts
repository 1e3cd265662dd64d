import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { Roles } from '../../auth/viewer.js';
import { GatewayError } from '../../errors.js';
import type { FeedItem } from '../../live/bounded-feed.js';
import type { LiveChange } from '../../live/live-change.js';
import { productEntity } from '../../schema/product.type.js';
import { firstPageProductIds } from '../product-search.resolver.js';
import { ProductSearchFilter } from '../../schema/product-search.types.js';
import type { RequestContext } from '../request-context.js';
import { ChangeKind, changeKindOf } from './change-kind.js';
import { liveContextOf } from './live-context.js';

@ObjectType('SearchResultsChange', { description: "A search's first page would now differ: refetch it." })
export class SearchResultsChange {
  @Field(() => ID, { description: 'The product whose change touched the page.' }) productId!: string;
  @Field(() => ChangeKind) kind!: ChangeKind;
}

/** After a signal the page is looked up again, once the index has had time to take the change. */
const REFRESH_DELAY_MS = 1_000;

/**
 * Feeds the product changes that touch the watched page: the watched ids are the page's hits, looked
 * up once subscribed (so no change between the lookup and the subscription is missed) and again
 * shortly after every signal, so a product that entered or left the page is watched from then on.
 * A plain iterator, not an async generator: a generator waiting for the next event could not be
 * closed until one arrives, and an unsubscribed client would hold its feed until then.
 */
async function pageChanges(
  context: RequestContext,
  query: string | null,
  filter: ProductSearchFilter | null,
  first: number,
): Promise<AsyncIterableIterator<FeedItem<LiveChange>>> {
  const source = liveContextOf(context).changes.subscribe({ entity: productEntity.name, ids: null })[Symbol.asyncIterator]();
  let watched: ReadonlySet<string> = new Set();
  let closed = false;
  let refresh: NodeJS.Timeout | null = null;
  const lookUp = async () => {
    const ids = await firstPageProductIds(context, query, filter, first);
    if (!closed) watched = new Set(ids);
  };
  const scheduleLookUp = () => {
    if (refresh !== null || closed) return;
    refresh = setTimeout(() => {
      refresh = null;
      // A failed look-up keeps the previous page: the next signal tries again.
      lookUp().catch(() => undefined);
    }, REFRESH_DELAY_MS);
  };
  const iterator: AsyncIterableIterator<FeedItem<LiveChange>> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done === true || result.value.kind === 'end') return result;
        if (!watched.has(result.value.value.id)) continue;
        scheduleLookUp();
        return result;
      }
    },
    async return() {
      closed = true;
      if (refresh !== null) clearTimeout(refresh);
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  try {
    // The first look-up's errors (a bad filter, search down) fail the subscribe itself.
    await lookUp();
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  return iterator;
}

@Resolver()
export class SearchChangedResolver {
  @Authorized(Roles.public)
  @Subscription(() => SearchResultsChange, {
    description: 'Signals when the first page of searchProducts(query, filter) would change: one of its hits changed or was deleted.',
    subscribe: async ({ args, context }) => {
      const { query, filter, first } = args as { query?: string | null; filter?: ProductSearchFilter | null; first: number };
      return pageChanges(context as RequestContext, query ?? null, filter ?? null, first);
    },
  })
  searchProductsChanged(
    @Root() item: FeedItem<LiveChange>,
    @Arg('query', () => String, { nullable: true }) _query: string | null,
    @Arg('filter', () => ProductSearchFilter, { nullable: true }) _filter: ProductSearchFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many hits make up the watched page.' }) _first: number,
    @Ctx() _context: RequestContext,
  ): SearchResultsChange {
    if (item.kind === 'end') throw new GatewayError(item.code, item.message);
    const change = item.value;
    return { productId: change.id, kind: changeKindOf(change.kind) };
  }
}

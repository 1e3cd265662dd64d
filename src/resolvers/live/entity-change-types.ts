import type { ClassType } from 'type-graphql';
import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { GatewayError } from '../../errors.js';
import type { FeedItem } from '../../live/bounded-feed.js';
import type { LiveChange } from '../../live/live-change.js';
import type { EntityDeclaration } from '../../schema/entity.js';
import type { Row } from '../../rows/row.js';
import { parseEntityIds } from '../arguments.js';
import type { RequestContext } from '../request-context.js';
import { loadOne } from '../row-objects.js';
import { ChangeKind, changeKindOf } from './change-kind.js';
import { liveContextOf } from './live-context.js';

/** An entity that has change subscriptions: its declaration, its GraphQL type and how a row becomes one. */
export interface LiveEntity {
  readonly entity: EntityDeclaration;
  readonly type: ClassType;
  readonly convert: (row: Row) => object;
}

/** What a change subscription delivers, before its row's fields are resolved. */
export interface ResolvedChange {
  readonly type: string;
  readonly id: string;
  readonly version: string;
  readonly kind: ChangeKind;
  readonly row: object | null;
}

/** `Product` → `productChanged`, `OrderItem` → `orderItemChanged`. */
export const changeFieldNameOf = (entity: EntityDeclaration): string =>
  `${entity.name.charAt(0).toLowerCase()}${entity.name.slice(1)}Changed`;

/**
 * The row of an event, as a query would return it: the event carries the columns Redis now holds
 * (resolved from them without a read); an invalidate-only entity's event carries none, and the row
 * is read through the cache-aside loaders, which Redis already sent to MySQL for this version.
 */
export async function resolveChange(context: RequestContext, live: LiveEntity, item: FeedItem<LiveChange>): Promise<ResolvedChange> {
  if (item.kind === 'end') throw new GatewayError(item.code, item.message);
  liveContextOf(context).renewLoaders();
  const change = item.value;
  const kind = changeKindOf(change.kind);
  let row: object | null = null;
  if (kind !== ChangeKind.DELETE)
    row = change.row !== null ? live.convert(change.row) : await loadOne(context, live.entity, change.id, live.convert);
  return { type: live.entity.name, id: change.id, version: change.version, kind, row };
}

/** The subscription's feed: its entity's changes, of the given rows only when `ids` is given. */
export function changeFeed(
  context: RequestContext,
  entity: EntityDeclaration,
  ids: readonly string[] | null | undefined,
): AsyncIterable<FeedItem<LiveChange>> {
  const wanted = ids === null || ids === undefined ? null : new Set(parseEntityIds(entity, ids));
  return liveContextOf(context).changes.subscribe({ entity: entity.name, ids: wanted });
}

/** `<Entity>Change` and the `<entity>Changed(ids)` subscription, generated from the declaration. */
export function changeSubscriptionOf(live: LiveEntity): { eventType: ClassType; resolver: ClassType } {
  const { entity } = live;

  // Lean on purpose: every member of every type adds to what the standard introspection query costs
  // (MAX_QUERY_COST), and tooling must stay able to run it.
  @ObjectType(`${entity.name}Change`, {
    description: `A committed change of a ${entity.name}, delivered once the gateway's cache holds it.`,
  })
  class EntityChangeEvent {
    @Field(() => ID) id!: string;
    @Field(() => String, {
      description: 'The row version (19 digits): rises with every change of the row; events of a row arrive in this order.',
    })
    version!: string;
    @Field(() => ChangeKind) kind!: ChangeKind;
    @Field(() => live.type, { nullable: true, description: 'The row after the change; null for a delete.' }) row!: object | null;
  }

  @Resolver()
  class EntityChangeResolver {
    @Subscription(() => EntityChangeEvent, {
      name: changeFieldNameOf(entity),
      description: `Changes of ${entity.name} rows (of the given ids only, when ids is given), in version order per row.`,
      subscribe: ({ args, context }) => changeFeed(context as RequestContext, entity, (args as { ids?: string[] | null }).ids),
    })
    changed(
      @Root() item: FeedItem<LiveChange>,
      @Ctx() context: RequestContext,
      @Arg('ids', () => [ID], { nullable: true, description: 'At most 100 ids; omitted: every row.' }) _ids: string[] | null,
    ): Promise<ResolvedChange> {
      return resolveChange(context, live, item);
    }
  }

  return { eventType: EntityChangeEvent, resolver: EntityChangeResolver };
}

import type { ClassType } from 'type-graphql';
import { Arg, Ctx, createUnionType, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { GatewayError } from '../../errors.js';
import type { FeedItem } from '../../live/bounded-feed.js';
import type { LiveChange } from '../../live/live-change.js';
import type { RequestContext } from '../request-context.js';
import { ChangeKind } from './change-kind.js';
import type { LiveEntity, ResolvedChange } from './entity-change-types.js';
import { changeFeed, resolveChange } from './entity-change-types.js';

/** Which entity a row object is, for the union's type resolution (rows are plain objects). */
const ENTITY_TYPE = Symbol('entity type');

/** `entityChanged(type, ids)`: one subscription for any declared entity; the row is a union of their types. */
export function entityChangedResolverOf(lives: readonly LiveEntity[]): { types: ClassType[]; resolver: ClassType } {
  const byName = new Map(lives.map((live) => [live.entity.name, live]));
  const [first, ...rest] = lives.map((live) => live.type);
  if (first === undefined) throw new Error('entityChanged needs at least one live entity');
  const EntityRow = createUnionType({
    name: 'EntityRow',
    types: () => [first, ...rest] as const,
    resolveType: (value: object) => byName.get(String((value as Record<symbol, unknown>)[ENTITY_TYPE]))?.type.name,
  });

  @ObjectType('EntityChange', { description: "A committed change of a row of any entity, delivered once the gateway's cache holds it." })
  class EntityChange {
    @Field(() => String, { description: 'The entity (GraphQL type) name.' }) type!: string;
    @Field(() => ID) id!: string;
    @Field(() => String) version!: string;
    @Field(() => ChangeKind) kind!: ChangeKind;
    @Field(() => EntityRow, { nullable: true }) row!: object | null;
  }

  const liveOf = (type: string): LiveEntity => {
    const live = byName.get(type);
    if (live === undefined)
      throw new GatewayError('BAD_USER_INPUT', `type must be one of ${[...byName.keys()].join(', ')}; got ${JSON.stringify(type)}`);
    return live;
  };

  @Resolver()
  class EntityChangedResolver {
    @Subscription(() => EntityChange, {
      description: "Changes of one entity's rows (of the given ids only, when ids is given), in version order per row.",
      subscribe: ({ args, context }) => {
        const { type, ids } = args as { type: string; ids?: string[] | null };
        return changeFeed(context as RequestContext, liveOf(type).entity, ids);
      },
    })
    async entityChanged(
      @Root() item: FeedItem<LiveChange>,
      @Ctx() context: RequestContext,
      // A String, not an enum: every schema member adds to the standard introspection query's cost.
      @Arg('type', () => String, { description: 'An entity (GraphQL type) name: Product, User, Order…' }) type: string,
      @Arg('ids', () => [ID], { nullable: true }) _ids: string[] | null,
    ): Promise<ResolvedChange> {
      const resolved = await resolveChange(context, liveOf(type), item);
      if (resolved.row !== null) Object.defineProperty(resolved.row, ENTITY_TYPE, { value: type, enumerable: false });
      return resolved;
    }
  }

  return { types: [EntityChange], resolver: EntityChangedResolver };
}

import type { ClassType } from 'type-graphql';
import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver } from 'type-graphql';
import type { EntityModel } from '../../schema/entity-model.js';
import { fieldNameOf } from '../../schema/entity-fields.js';
import { keyColumnsOf, rowIdOfKey } from '../../schema/entity.js';
import { decodeCursor, MAX_IDS_PER_LOOKUP, parseEntityIds, parseFirst } from '../arguments.js';
import type { RequestContext } from '../request-context.js';
import { connectionOf, loadList, loadOne } from '../row-objects.js';
import { objectConverterOf, queryNamesOf } from './model-objects.js';

/** `@ArgsType` with one required ID argument per key column, named by its camelCase field. */
function keyArgumentsOf(model: EntityModel): ClassType {
  class KeyArguments {}
  Object.defineProperty(KeyArguments, 'name', { value: `${model.entity.name}KeyArguments` });
  for (const column of keyColumnsOf(model.entity)) Field(() => ID)(KeyArguments.prototype, fieldNameOf(column));
  ArgsType()(KeyArguments);
  return KeyArguments;
}

/**
 * The query fields of one entity, from its declaration alone: `<entity>(<key fields>)` (one
 * argument per key column, so a composite key is asked for as `loan(bookId:, memberId:)`),
 * `<entities>(ids)` for a single-column key, and `all<Entities>(first, after)`, a page in key order.
 * Every read goes through the request's loaders: Redis first, one SELECT for the misses.
 */
export function modelQueryResolversOf(model: EntityModel, connection: ClassType): ClassType[] {
  const { entity } = model;
  const names = queryNamesOf(entity);
  const convert = objectConverterOf(model);
  const keyColumns = keyColumnsOf(entity);
  const KeyArguments = keyArgumentsOf(model);

  @Resolver()
  class OneQuery {
    @Query(() => model.type, { name: names.one, nullable: true, description: `One ${entity.name} by its key, or null if there is none.` })
    one(@Args(() => KeyArguments) key: object, @Ctx() context: RequestContext) {
      const values = key as Record<string, unknown>;
      const id = rowIdOfKey(entity, Object.fromEntries(keyColumns.map((column) => [column, values[fieldNameOf(column)]])));
      return loadOne(context, entity, id, convert);
    }
  }

  @Resolver()
  class ManyQuery {
    @Query(() => [model.type], {
      name: names.many,
      description: `${entity.name} rows by id, in the order asked; unknown ids are left out. At most ${MAX_IDS_PER_LOOKUP}.`,
    })
    many(@Arg('ids', () => [ID]) ids: string[], @Ctx() context: RequestContext) {
      return loadList(context, entity, parseEntityIds(entity, ids), convert);
    }
  }

  @Resolver()
  class AllQuery {
    @Query(() => connection, { name: names.all, description: `${entity.name} rows in key order, a page at a time.` })
    async all(
      @Ctx() context: RequestContext,
      @Arg('first', () => Int, { defaultValue: 20 }) first: number,
      @Arg('after', () => String, { nullable: true }) after: string | null,
    ) {
      const page = await context.loaders.keyPage(entity, decodeCursor(after, entity), parseFirst(first));
      return connectionOf(context, entity, page, convert);
    }
  }

  return keyColumns.length === 1 ? [OneQuery, ManyQuery, AllQuery] : [OneQuery, AllQuery];
}

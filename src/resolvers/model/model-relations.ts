import type { ClassType } from 'type-graphql';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { EntityModel, EntityRelation } from '../../schema/entity-model.js';
import { fieldNameOf } from '../../schema/entity-fields.js';
import { keyColumnsOf, rowIdOfKey } from '../../schema/entity.js';
import { decodeEntityCursor, parseFirst } from '../arguments.js';
import type { RequestContext } from '../request-context.js';
import { connectionOf, loadOne } from '../row-objects.js';
import { objectConverterOf, rowIdOfObject } from './model-objects.js';

export interface RelationTargets {
  modelOf(table: string): EntityModel;
  connectionOf(table: string): ClassType;
}

/**
 * The field of one relation on the model's GraphQL type, resolved through the request's loaders:
 * every parent of one level asks in the same tick, so a belongs-to is one cache-aside batch and a
 * has-many one windowed SELECT for all parents (as category.resolver.ts does by hand).
 */
export function relationResolverOf(model: EntityModel, relation: EntityRelation, targets: RelationTargets): ClassType {
  const target = targets.modelOf(relation.table);
  const convert = objectConverterOf(target);
  if (relation.kind === 'belongsTo') {
    const parentKey = keyColumnsOf(target.entity);
    const { columns } = relation;
    @Resolver(() => model.type)
    class BelongsToResolver {
      @FieldResolver(() => target.type, { name: relation.field, nullable: true, description: `The ${target.entity.name} this row refers to.` })
      resolve(@Root() root: object, @Ctx() context: RequestContext) {
        const fields = root as Record<string, unknown>;
        const values = columns.map((column) => fields[fieldNameOf(column)]);
        if (values.some((value) => value === null || value === undefined)) return null;
        const id = rowIdOfKey(target.entity, Object.fromEntries(parentKey.map((column, index) => [column, values[index]])));
        return loadOne(context, target.entity, id, convert);
      }
    }
    return BelongsToResolver;
  }

  const { foreignKey } = relation;
  @Resolver(() => model.type)
  class HasManyResolver {
    @FieldResolver(() => targets.connectionOf(relation.table), {
      name: relation.field,
      description: `${target.entity.name} rows whose ${foreignKey} is this row, in key order.`,
    })
    async resolve(
      @Root() root: object,
      @Ctx() context: RequestContext,
      @Arg('first', () => Int, { defaultValue: 20 }) first: number,
      @Arg('after', () => String, { nullable: true }) after: string | null,
    ) {
      const page = await context.loaders.children(target.entity, foreignKey, 'asc', {
        parentId: rowIdOfObject(model.entity, root),
        first: parseFirst(first),
        after: decodeEntityCursor(target.entity, after),
      });
      return connectionOf(context, target.entity, page, convert);
    }
  }
  return HasManyResolver;
}

import 'reflect-metadata';
import type { ClassType } from 'type-graphql';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { EntityModel, EntityRelation } from '../../schema/entity-model.js';
import { fieldNameOf } from '../../schema/entity-fields.js';
import { keyColumnsOf, rowIdOfKey } from '../../schema/entity.js';
import { decodeCursor, parseFirst } from '../arguments.js';
import type { RequestContext } from '../request-context.js';
import { connectionOf, loadOne } from '../row-objects.js';
import { objectConverterOf, rowIdOfObject } from './model-objects.js';

export interface RelationTargets {
  modelOf(table: string): EntityModel;
  connectionOf(table: string): ClassType;
}

type Decorate = (prototype: object, method: string, descriptor: PropertyDescriptor) => void;

/**
 * A resolver class whose one method is named after the relation's field: type-graphql pairs a
 * field resolver with its field by method name, so generated relations cannot share one. The
 * decorators are applied by hand for that reason (a method name cannot be a variable otherwise);
 * the parameter types they would read from emitted metadata are given explicitly.
 */
function fieldResolverClass(
  type: ClassType,
  field: string,
  parameterTypes: unknown[],
  body: (...args: never[]) => unknown,
  decorate: Decorate[],
) {
  class RelationResolver {}
  Object.defineProperty(RelationResolver, 'name', { value: `${type.name}${field.charAt(0).toUpperCase()}${field.slice(1)}Resolver` });
  Object.defineProperty(RelationResolver.prototype, field, { value: body, writable: true, configurable: true });
  Reflect.defineMetadata('design:paramtypes', parameterTypes, RelationResolver.prototype, field);
  Reflect.defineMetadata('design:returntype', Promise, RelationResolver.prototype, field);
  const descriptor = Object.getOwnPropertyDescriptor(RelationResolver.prototype, field) as PropertyDescriptor;
  for (const apply of decorate) apply(RelationResolver.prototype, field, descriptor);
  Resolver(() => type)(RelationResolver);
  return RelationResolver;
}

type ParameterDecorate = (prototype: object, method: string, index: number) => void;

const parameter =
  (decorator: ParameterDecorate, index: number): Decorate =>
  (prototype, method) =>
    decorator(prototype, method, index);

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
    const resolve = (root: object, context: RequestContext) => {
      const fields = root as Record<string, unknown>;
      const values = columns.map((column) => fields[fieldNameOf(column)]);
      if (values.some((value) => value === null || value === undefined)) return Promise.resolve(null);
      const id = rowIdOfKey(target.entity, Object.fromEntries(parentKey.map((column, index) => [column, values[index]])));
      return loadOne(context, target.entity, id, convert);
    };
    return fieldResolverClass(model.type, relation.field, [Object, Object], resolve, [
      FieldResolver(() => target.type, { nullable: true, description: `The ${target.entity.name} this row refers to.` }),
      parameter(Root(), 0),
      parameter(Ctx(), 1),
    ]);
  }

  const { foreignKey } = relation;
  const resolve = async (root: object, context: RequestContext, first: number, after: string | null) => {
    const page = await context.loaders.children(target.entity, foreignKey, 'asc', {
      parentId: rowIdOfObject(model.entity, root),
      first: parseFirst(first),
      after: decodeCursor(after, target.entity),
    });
    return connectionOf(context, target.entity, page, convert);
  };
  return fieldResolverClass(model.type, relation.field, [Object, Object, Number, String], resolve, [
    FieldResolver(() => targets.connectionOf(relation.table), {
      description: `${target.entity.name} rows whose ${foreignKey} is this row, in key order.`,
    }),
    parameter(Root(), 0),
    parameter(Ctx(), 1),
    parameter(
      Arg('first', () => Int, { defaultValue: 20 }),
      2,
    ),
    parameter(
      Arg('after', () => String, { nullable: true }),
      3,
    ),
  ]);
}

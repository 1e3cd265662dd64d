import type { GraphQLField, GraphQLNamedType, GraphQLSchema, GraphQLType } from 'graphql';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  isWrappingType,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';

/**
 * How long each introspection list of this schema is. Introspection answers describe the schema,
 * so its lists have known lengths: `__schema.types` is every type, and the per-type lists (fields,
 * enum values…) are costed at their mean length, which sums to the real size of the usual
 * introspection query's answer; nesting them (`type { fields { type { fields …` multiplies means,
 * as the answer does.
 */
export interface IntrospectionListSizes {
  readonly types: number;
  readonly directives: number;
  /** Mean length of a type's fields / inputFields / enumValues / interfaces / possibleTypes. */
  readonly perType: number;
  /** Mean arguments per field or directive. */
  readonly args: number;
  /** The most wrappers (non-null, list) around any field's or argument's type: how long an ofType chain can be. */
  readonly wrappers: number;
}

function wrappersOf(type: GraphQLType): number {
  let count = 0;
  let current = type;
  while (isWrappingType(current)) {
    count += 1;
    current = current.ofType;
  }
  return count;
}

const sizesBySchema = new WeakMap<GraphQLSchema, IntrospectionListSizes>();

const mean = (total: number, count: number) => (count === 0 ? 0 : total / count);

function typeMembers(type: GraphQLNamedType): { members: number; fields: readonly GraphQLField<unknown, unknown>[] } {
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields());
    return { members: fields.length + type.getInterfaces().length, fields };
  }
  if (isInputObjectType(type)) return { members: Object.keys(type.getFields()).length, fields: [] };
  if (isEnumType(type)) return { members: type.getValues().length, fields: [] };
  if (isUnionType(type)) return { members: type.getTypes().length, fields: [] };
  return { members: 0, fields: [] };
}

export function introspectionListSizes(schema: GraphQLSchema): IntrospectionListSizes {
  let sizes = sizesBySchema.get(schema);
  if (sizes === undefined) {
    const types = Object.values(schema.getTypeMap());
    let members = 0;
    let fieldCount = 0;
    let argCount = 0;
    let wrappers = 0;
    for (const type of types) {
      const described = typeMembers(type);
      members += described.members;
      fieldCount += described.fields.length;
      for (const field of described.fields) {
        argCount += field.args.length;
        wrappers = Math.max(wrappers, wrappersOf(field.type), ...field.args.map((arg) => wrappersOf(arg.type)));
      }
      if (isInputObjectType(type)) wrappers = Math.max(wrappers, ...Object.values(type.getFields()).map((field) => wrappersOf(field.type)));
    }
    const directives = schema.getDirectives();
    for (const directive of directives) argCount += directive.args.length;
    sizes = {
      types: types.length,
      directives: directives.length,
      perType: mean(members, types.length),
      args: mean(argCount, fieldCount + directives.length),
      wrappers,
    };
    sizesBySchema.set(schema, sizes);
  }
  return sizes;
}

/** How many items an introspection field's list holds (1 for a single object). */
export function introspectionMultiplier(fieldName: string, sizes: IntrospectionListSizes): number {
  switch (fieldName) {
    case 'types':
      return sizes.types;
    case 'directives':
      return sizes.directives;
    case 'fields':
    case 'inputFields':
    case 'enumValues':
    case 'interfaces':
    case 'possibleTypes':
      return sizes.perType;
    case 'args':
      return sizes.args;
    default:
      return 1;
  }
}

/** The field a selection names, including the meta fields (`__schema`, `__type`, `__typename`) no type lists. */
export function fieldOf(
  schema: GraphQLSchema,
  parentType: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (parentType === undefined) return undefined;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}

import type {
  ASTVisitor,
  FieldNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValueNode,
} from 'graphql';
import { getNamedType, getNullableType, GraphQLError, isInterfaceType, isListType, isObjectType, Kind, valueFromASTUntyped } from 'graphql';
import type { ErrorCode } from '../errors.js';
import { GatewayError } from '../errors.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxCost: number;
}

/** What one operation would do, estimated from its text before anything runs. */
export interface OperationMeasure {
  readonly depth: number;
  readonly aliases: number;
  readonly cost: number;
}

/** Arguments that bound how many items a field returns. */
const SIZE_ARGUMENTS = ['first', 'last', 'size', 'limit', 'ids'] as const;
/** A sizing argument passed as a variable of unknown value counts as the largest page the API allows. */
const UNKNOWN_SIZE = 100;
/** A list without a sizing argument (an order's items, a category's children) is assumed this long. */
const UNSIZED_LIST = 10;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: (name: string) => { typeCondition: { name: { value: string } }; selectionSet: SelectionSetNode } | undefined | null;
  readonly variableDefaults: ReadonlyMap<string, unknown>;
  aliases: number;
  /**
   * Each fragment measured once, at depth 0 and multiplier 1: a spread adds its depth and scales its
   * cost. Without this, fragments that each spread the previous one twice make the walk exponential
   * in the document's size (30 such lines pin the CPU for hours before any limit can reject them).
   */
  readonly fragmentMeasures: Map<string, { depth: number; cost: number; aliases: number }>;
}

function sizeOf(value: ValueNode, walk: Walk): number | null {
  if (value.kind === Kind.VARIABLE) {
    const given = walk.variableDefaults.get(value.name.value);
    if (Array.isArray(given)) return given.length;
    return typeof given === 'number' ? given : UNKNOWN_SIZE;
  }
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.INT) return Number(value.value);
  return null;
}

/**
 * How many items a field multiplies its selection by: its sizing argument, else that argument's
 * default; a list without one is UNSIZED_LIST long, except the edges/nodes of a connection, which
 * the connection field's `first` already counted.
 */
function multiplierOf(node: FieldNode, field: GraphQLField<unknown, unknown>, parentType: GraphQLNamedType, walk: Walk): number {
  for (const name of SIZE_ARGUMENTS) {
    const given = node.arguments?.find((argument) => argument.name.value === name);
    const size = given !== undefined ? sizeOf(given.value, walk) : null;
    if (size !== null) return Math.max(1, size);
    const declared = field.args.find((argument) => argument.name === name);
    if (declared !== undefined && typeof declared.defaultValue === 'number') return Math.max(1, declared.defaultValue);
  }
  if (!isListType(getNullableType(field.type))) return 1;
  return parentType.name.endsWith('Connection') ? 1 : UNSIZED_LIST;
}

function measureSelection(selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined, multiplier: number, depth: number, walk: Walk, seen: ReadonlySet<string>): { depth: number; cost: number } {
  let maxDepth = depth;
  let cost = 0;
  const add = (inner: { depth: number; cost: number }) => {
    maxDepth = Math.max(maxDepth, inner.depth);
    cost += inner.cost;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      // Introspection is tooling (and off in production); its deep ofType chains are not data loads.
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias !== undefined) walk.aliases += 1;
      const field = parentType !== undefined && (isObjectType(parentType) || isInterfaceType(parentType)) ? parentType.getFields()[selection.name.value] : undefined;
      cost += multiplier;
      maxDepth = Math.max(maxDepth, depth + 1);
      if (selection.selectionSet !== undefined) {
        const times = field === undefined || parentType === undefined ? 1 : multiplierOf(selection, field, parentType, walk);
        add(measureSelection(selection.selectionSet, field === undefined ? undefined : getNamedType(field.type), multiplier * times, depth + 1, walk, seen));
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition === undefined ? parentType : walk.schema.getType(selection.typeCondition.name.value);
      add(measureSelection(selection.selectionSet, type ?? undefined, multiplier, depth, walk, seen));
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments(name);
      // A cycle is reported by the spec's NoFragmentCycles rule; here it only must not loop.
      if (fragment === undefined || fragment === null || seen.has(name)) continue;
      let measured = walk.fragmentMeasures.get(name);
      if (measured === undefined) {
        const aliasesBefore = walk.aliases;
        const inner = measureSelection(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value) ?? undefined, 1, 0, walk, new Set([...seen, name]));
        measured = { ...inner, aliases: walk.aliases - aliasesBefore };
        walk.fragmentMeasures.set(name, measured);
        walk.aliases = aliasesBefore;
      }
      walk.aliases += measured.aliases;
      add({ depth: depth + measured.depth, cost: multiplier * measured.cost });
    }
  }
  return { depth: maxDepth, cost };
}

/** Depth (root fields are 1), aliases and estimated cost of one operation. */
export function measureOperation(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Walk['fragments']): OperationMeasure {
  const variableDefaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue !== undefined) variableDefaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const walk: Walk = { schema, fragments, variableDefaults, aliases: 0, fragmentMeasures: new Map() };
  const root = schema.getRootType(operation.operation) ?? undefined;
  const { depth, cost } = measureSelection(operation.selectionSet, root, 1, 0, walk, new Set());
  return { depth, aliases: walk.aliases, cost };
}

function reject(context: ValidationContext, operation: OperationDefinitionNode, code: ErrorCode, message: string): void {
  // The GatewayError travels as originalError, so the error boundary reports its code (not Apollo's
  // generic GRAPHQL_VALIDATION_FAILED) and the client learns which limit it hit.
  context.reportError(new GraphQLError(message, { nodes: [operation], originalError: new GatewayError(code, message) }));
}

/**
 * A graphql-js validation rule: runs with the spec's rules, before execution, and rejects an
 * operation deeper, more aliased or costlier than the limits (one error per limit exceeded).
 */
export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      // graphql-js 16 validates a mutation against a schema without one and only fails at execution,
      // where the error has no code and is masked as an internal one; it is the request's mistake.
      if (context.getSchema().getRootType(operation.operation) === undefined) {
        context.reportError(new GraphQLError(`the schema has no ${operation.operation} operations`, { nodes: [operation] }));
        return false;
      }
      const measure = measureOperation(context.getSchema(), operation, (name) => context.getFragment(name));
      const name = operation.name === undefined ? 'the operation' : `operation ${operation.name.value}`;
      if (measure.depth > limits.maxDepth) reject(context, operation, 'QUERY_TOO_DEEP', `${name} is ${measure.depth} levels deep; the limit is ${limits.maxDepth}`);
      if (measure.aliases > limits.maxAliases) reject(context, operation, 'TOO_MANY_ALIASES', `${name} uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`);
      if (measure.cost > limits.maxCost) {
        reject(context, operation, 'QUERY_TOO_COMPLEX', `${name} has an estimated cost of ${measure.cost} (fields × list sizes); the limit is ${limits.maxCost}`);
      }
      return false;
    },
  });
}

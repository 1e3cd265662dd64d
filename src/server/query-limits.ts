import type {
  ASTVisitor,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValueNode,
} from 'graphql';
import { getNamedType, getNullableType, getOperationAST, GraphQLError, isListType, Kind, valueFromASTUntyped } from 'graphql';
import type { IntrospectionListSizes } from './introspection-cost.js';
import { fieldOf, introspectionListSizes, introspectionMultiplier } from './introspection-cost.js';
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
/**
 * A list without a sizing argument (an order's items, a category's children) returns up to the
 * resolvers' page bound (MAX_PAGE_SIZE), so it is costed at that bound, never at a typical length.
 */
const UNSIZED_LIST = 100;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: (name: string) => { typeCondition: { name: { value: string } }; selectionSet: SelectionSetNode } | undefined | null;
  /** The request's variable values, over the operation's declared defaults. */
  readonly variables: ReadonlyMap<string, unknown>;
  /** Set when a sizing argument was a variable: the cost then differs per request. */
  usesVariableSizes: boolean;
  readonly introspectionSizes: IntrospectionListSizes;
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
    walk.usesVariableSizes = true;
    const given = walk.variables.get(value.name.value);
    if (Array.isArray(given)) return given.length;
    return typeof given === 'number' && Number.isFinite(given) ? given : UNKNOWN_SIZE;
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
  if (parentType.name.startsWith('__') || node.name.value.startsWith('__'))
    return introspectionMultiplier(node.name.value, walk.introspectionSizes);
  for (const name of SIZE_ARGUMENTS) {
    const given = node.arguments?.find((argument) => argument.name.value === name);
    const declared = field.args.find((argument) => argument.name === name);
    // A variable the request leaves unset (and the operation gives no default) leaves the argument
    // unset: the field's own default applies at execution, so it is costed at that default.
    const unset =
      given?.value.kind === Kind.VARIABLE && !walk.variables.has(given.value.name.value) && typeof declared?.defaultValue === 'number';
    if (unset) walk.usesVariableSizes = true;
    const size = given !== undefined && !unset ? sizeOf(given.value, walk) : null;
    if (size !== null) return Math.max(1, size);
    if (declared !== undefined && typeof declared.defaultValue === 'number') return Math.max(1, declared.defaultValue);
  }
  if (!isListType(getNullableType(field.type))) return 1;
  // A list whose type declares how long it can be (extensions.maxItems: facets, highlights) is costed at that.
  const maxItems = field.extensions['maxItems'];
  if (typeof maxItems === 'number' && maxItems >= 1) return maxItems;
  return parentType.name.endsWith('Connection') ? 1 : UNSIZED_LIST;
}

/**
 * `ofTypeChain`: how many `ofType` fields lead here. Past the schema's deepest wrapping (non-null of
 * list of non-null…) the answer is null, so what is selected below costs nothing.
 */
function measureSelection(
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType | undefined,
  multiplier: number,
  depth: number,
  walk: Walk,
  seen: ReadonlySet<string>,
  ofTypeChain = 0,
): { depth: number; cost: number } {
  let maxDepth = depth;
  let cost = 0;
  const add = (inner: { depth: number; cost: number }) => {
    maxDepth = Math.max(maxDepth, inner.depth);
    cost += inner.cost;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias !== undefined) walk.aliases += 1;
      const field = fieldOf(walk.schema, parentType, selection.name.value);
      cost += multiplier;
      // Introspection counts like data (aliases, cost, depth), except that the ofType chain of a
      // wrapped type (non-null of list of…) is one type described, not a level of nesting.
      const chain = selection.name.value === 'ofType' && parentType?.name === '__Type' ? ofTypeChain + 1 : 0;
      const level = chain > 0 ? depth : depth + 1;
      maxDepth = Math.max(maxDepth, level);
      if (selection.selectionSet !== undefined) {
        const times =
          field === undefined || parentType === undefined
            ? 1
            : chain > walk.introspectionSizes.wrappers
              ? 0
              : multiplierOf(selection, field, parentType, walk);
        add(
          measureSelection(
            selection.selectionSet,
            field === undefined ? undefined : getNamedType(field.type),
            multiplier * times,
            level,
            walk,
            seen,
            chain,
          ),
        );
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition === undefined ? parentType : walk.schema.getType(selection.typeCondition.name.value);
      add(measureSelection(selection.selectionSet, type ?? undefined, multiplier, depth, walk, seen, ofTypeChain));
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments(name);
      // A cycle is reported by the spec's NoFragmentCycles rule; here it only must not loop.
      if (fragment === undefined || fragment === null || seen.has(name)) continue;
      let measured = walk.fragmentMeasures.get(name);
      if (measured === undefined) {
        const aliasesBefore = walk.aliases;
        const inner = measureSelection(
          fragment.selectionSet,
          walk.schema.getType(fragment.typeCondition.name.value) ?? undefined,
          1,
          0,
          walk,
          new Set([...seen, name]),
        );
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

/**
 * Depth (root fields are 1), aliases and estimated cost of one operation. `variables` are the
 * request's values: a size given by a variable counts at the value sent, else at the variable's
 * default, else at the largest page. `usesVariableSizes` says whether the cost depends on them.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Walk['fragments'],
  variables: Readonly<Record<string, unknown>> = {},
): OperationMeasure & { readonly usesVariableSizes: boolean } {
  const values = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(variables, name) && variables[name] !== null) values.set(name, variables[name]);
    else if (definition.defaultValue !== undefined) values.set(name, valueFromASTUntyped(definition.defaultValue));
  }
  const walk: Walk = {
    schema,
    fragments,
    variables: values,
    usesVariableSizes: false,
    introspectionSizes: introspectionListSizes(schema),
    aliases: 0,
    fragmentMeasures: new Map(),
  };
  const root = schema.getRootType(operation.operation) ?? undefined;
  const { depth, cost } = measureSelection(operation.selectionSet, root, 1, 0, walk, new Set());
  // Introspection's mean list lengths are fractional; the cost reported is whole.
  return { depth, aliases: walk.aliases, cost: Math.ceil(cost), usesVariableSizes: walk.usesVariableSizes };
}

const costMessage = (name: string, cost: number, maxCost: number) =>
  `${name} has an estimated cost of ${cost} (fields × list sizes); the limit is ${maxCost}`;
const operationLabel = (operation: OperationDefinitionNode) =>
  operation.name === undefined ? 'the operation' : `operation ${operation.name.value}`;

/** Operations whose cost depends on the request's variables (validation cannot check those once per text). */
const variableCostOperations = new WeakMap<OperationDefinitionNode, boolean>();

/**
 * The cost check of one request, with its variable values: validation runs once per document text
 * and cannot see them, so an operation whose list sizes are variables is checked here, per request,
 * before it executes. Returns the error to answer with, or null.
 */
export function requestCostError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  limits: Pick<QueryLimits, 'maxCost'>,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined || variableCostOperations.get(operation) === false) return null;
  const fragments = (name: string) =>
    document.definitions.find(
      (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
    );
  const measure = measureOperation(schema, operation, fragments, variables ?? {});
  variableCostOperations.set(operation, measure.usesVariableSizes);
  if (measure.cost <= limits.maxCost) return null;
  const message = costMessage(operationLabel(operation), measure.cost, limits.maxCost);
  return new GraphQLError(message, {
    nodes: [operation],
    originalError: new GatewayError('QUERY_TOO_COMPLEX', message),
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
  });
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
      const name = operationLabel(operation);
      if (measure.depth > limits.maxDepth)
        reject(context, operation, 'QUERY_TOO_DEEP', `${name} is ${measure.depth} levels deep; the limit is ${limits.maxDepth}`);
      if (measure.aliases > limits.maxAliases)
        reject(context, operation, 'TOO_MANY_ALIASES', `${name} uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`);
      // A cost that depends on variables is checked per request (requestCostError), with their values.
      if (!measure.usesVariableSizes && measure.cost > limits.maxCost)
        reject(context, operation, 'QUERY_TOO_COMPLEX', costMessage(name, measure.cost, limits.maxCost));
      return false;
    },
  });
}

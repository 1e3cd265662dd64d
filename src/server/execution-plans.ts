import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { execute } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { RequestContext } from '../resolvers/request-context.js';

/*
 * graphql-js' executor walks the document for every request (collecting fields, coercing variables
 * and arguments: 15–18 % of a cache hit's CPU in the G1 profile). graphql-jit compiles that walk once
 * per operation into a function, then runs the same resolvers with the same arguments. A text is
 * compiled on its second use: apps repeat a handful of operation texts, while a stream of distinct
 * one-off texts (a scanner, a fuzzer) should not pay a compile (~1 ms) each.
 */

export type ExecutionPlan = (
  context: RequestContext,
  variables: Record<string, unknown> | undefined,
) => Promise<ExecutionResult> | ExecutionResult;

/** The plans of one validated document, by operation name ('' for the document's only operation). */
export interface PlannedDocument {
  readonly document: DocumentNode;
  readonly plans: Map<string, ExecutionPlan>;
}

export function plannedDocument(document: DocumentNode): PlannedDocument {
  return { document, plans: new Map() };
}

/** The plan for `operationName`: graphql-js the first time, compiled from the second use on. */
export function planFor(schema: GraphQLSchema, planned: PlannedDocument, operationName: string | undefined): ExecutionPlan {
  const key = operationName ?? '';
  const known = planned.plans.get(key);
  if (known !== undefined) return known;
  const interpreted: ExecutionPlan = (context, variables) =>
    execute({ schema, document: planned.document, contextValue: context, variableValues: variables, operationName });
  // Replace the interpreted plan by a compiled one once the text comes back.
  planned.plans.set(key, (context, variables) => {
    planned.plans.set(key, compiledPlan(schema, planned.document, operationName) ?? interpreted);
    return interpreted(context, variables);
  });
  return interpreted;
}

function compiledPlan(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): ExecutionPlan | null {
  // Stack capture is for errors, and an answer with errors is re-run (and formatted) by Apollo.
  let compiled: CompiledQuery | ExecutionResult;
  try {
    compiled = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
  } catch {
    return null;
  }
  if (!isCompiledQuery(compiled)) return null;
  return (context, variables) => compiled.query(undefined, context, variables ?? {});
}

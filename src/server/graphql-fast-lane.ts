import type { HeaderMap } from '@apollo/server';
import type { ExecutionResult, GraphQLSchema, ValidationRule } from 'graphql';
import { getOperationAST, NoSchemaIntrospectionCustomRule, OperationTypeNode, parse, specifiedRules, validate } from 'graphql';
import type { Metrics } from '../observability/metrics.js';
import { operationLabel } from '../observability/metrics.js';
import type { RequestContext } from '../resolvers/request-context.js';
import { FRESHNESS_HEADER } from './freshness-plugin.js';
import { MAX_STALENESS_HEADER } from '../schema/max-staleness.directive.js';
import type { DocumentCacheLimits } from './document-cache.js';
import { createDocumentCache } from './document-cache.js';
import type { PlannedDocument } from './execution-plans.js';
import { plannedDocument, planFor } from './execution-plans.js';
import { requestCostError } from './query-limits.js';

/** Apollo's answer types for a client that accepts JSON: the fast lane answers with exactly these. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** The GraphQL-over-HTTP media type (graphql-request, urql and graphql-http ask for it first). */
const GRAPHQL_RESPONSE_CONTENT_TYPE = 'application/graphql-response+json; charset=utf-8';
const ANSWER_TYPES: Readonly<Record<string, string>> = {
  '*/*': JSON_CONTENT_TYPE,
  'application/*': JSON_CONTENT_TYPE,
  'application/json': JSON_CONTENT_TYPE,
  'application/graphql-response+json': GRAPHQL_RESPONSE_CONTENT_TYPE,
};

/**
 * The content type Apollo would answer a successful single result with, or null when the Accept
 * header needs real negotiation (quality values, other types first): then Apollo decides. Both
 * JSON media types have the same body; Apollo picks the first acceptable one the client lists.
 */
export function answerContentType(accept: string | undefined): string | null {
  if (accept === undefined) return JSON_CONTENT_TYPE;
  const first = accept.split(',', 1)[0] ?? '';
  const [type = '', ...parameters] = first.split(';').map((part) => part.trim().toLowerCase());
  if (parameters.some((parameter) => !parameter.startsWith('charset='))) return null;
  if (accept.includes(';q=') || accept.includes('; q=')) return null;
  return ANSWER_TYPES[type] ?? null;
}

export type FastLaneOutcome =
  | { readonly kind: 'served'; readonly contentType: string; readonly body: string }
  /** Apollo takes over; `context` is the one the fast lane already built (null: none was built). */
  | { readonly kind: 'fallback'; readonly context: (() => Promise<RequestContext>) | null };

/**
 * A shortcut through graphql-js for the common request, in front of Apollo: a POSTed JSON body
 * `{ query, variables?, operationName? }` (no `extensions`, so no persisted query) for a query
 * operation, whose answer has no errors. Anything else, and any error at all, is left to Apollo, so
 * error formatting, codes, HTTP statuses and CSRF prevention stay in one place.
 */
export interface GraphQLFastLane {
  /** Resolves, never rejects. `createContext` runs at most once (it counts against the rate limit). */
  serve(headers: HeaderMap, body: unknown, createContext: () => Promise<RequestContext>): Promise<FastLaneOutcome>;
}

export interface FastLaneOptions {
  readonly schema: GraphQLSchema;
  /** The rules Apollo runs besides the spec's (the query limits). */
  readonly validationRules: readonly ValidationRule[];
  /** false: introspection refused, as Apollo does with `introspection: false`. */
  readonly introspection: boolean;
  /** MAX_QUERY_COST: an operation costed by its variables is checked per request; over it, Apollo refuses it. */
  readonly maxCost: number;
  readonly metrics: Metrics;
  /** Same bound as Apollo's parseOptions.maxTokens: a document over it is left to Apollo to refuse. */
  readonly maxTokens: number;
  readonly documents?: DocumentCacheLimits;
}

interface PlainRequest {
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Only `application/json` itself: Apollo's CSRF prevention concerns the content types a browser may
 * send cross-site without a preflight (text/plain, forms), which must keep meeting Apollo's check.
 */
function isPlainJsonRequest(headers: HeaderMap): boolean {
  const contentType = headers.get('content-type');
  if (contentType === undefined || contentType.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json') return false;
  // Freshness reporting and staleness bounds are Apollo's (the freshness plugin): the fast lane declines them.
  return headers.get(FRESHNESS_HEADER) === undefined && headers.get(MAX_STALENESS_HEADER) === undefined;
}

function plainRequest(body: unknown): PlainRequest | null {
  if (!isRecord(body) || body.extensions !== undefined) return null;
  const { query, variables, operationName } = body;
  if (typeof query !== 'string' || query === '' || query.includes('@maxStaleness')) return null;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return { query, variables: variables ?? undefined, operationName: operationName ?? undefined };
}

export function createGraphQLFastLane(options: FastLaneOptions): GraphQLFastLane {
  const { schema, metrics } = options;
  const rules = [...specifiedRules, ...options.validationRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const documents = createDocumentCache(options.documents ?? { maxDocuments: 1_000, maxCharacters: 1024 * 1024 });
  const served = { outcome: 'served' } as const;
  const toApollo = (
    outcome: 'not_eligible' | 'invalid' | 'context_failed' | 'errors',
    context: (() => Promise<RequestContext>) | null,
  ): FastLaneOutcome => {
    metrics.increment('graphql_fast_lane', { outcome });
    return { kind: 'fallback', context };
  };

  /** Parsed and validated once per distinct text; a text that fails either is remembered as such. */
  function documentOf(query: string): PlannedDocument | null {
    let known = documents.get(query);
    if (known === undefined) {
      try {
        // No locations: errors are never formatted here (Apollo re-runs those), and a location per
        // node is most of a cached document's memory.
        const document = parse(query, { maxTokens: options.maxTokens, noLocation: true });
        known = validate(schema, document, rules).length === 0 ? plannedDocument(document) : 'invalid';
      } catch {
        known = 'invalid';
      }
      documents.set(query, known);
    }
    return known === 'invalid' ? null : known;
  }

  return {
    async serve(headers, body, createContext) {
      const contentType = answerContentType(headers.get('accept'));
      if (contentType === null || !isPlainJsonRequest(headers)) return toApollo('not_eligible', null);
      const request = plainRequest(body);
      if (request === null) return toApollo('not_eligible', null);
      const planned = documentOf(request.query);
      if (planned === null) return toApollo('invalid', null);
      const operation = getOperationAST(planned.document, request.operationName);
      if (operation?.operation !== OperationTypeNode.QUERY) return toApollo('not_eligible', null);
      if (requestCostError(schema, planned.document, request.operationName, request.variables, options) !== null)
        return toApollo('invalid', null);
      let context: RequestContext;
      try {
        context = await createContext();
      } catch (error) {
        // Apollo answers the failure (bad credentials, rate limit) exactly as if it had built the context.
        return toApollo('context_failed', () => Promise.reject(error instanceof Error ? error : new Error(String(error))));
      }
      const reuse = () => Promise.resolve(context);
      const started = performance.now();
      const operationName = operation.name?.value ?? null;
      context.scope.operationName = operationName;
      let result: ExecutionResult;
      try {
        result = await planFor(schema, planned, request.operationName)(context, request.variables);
      } catch {
        return toApollo('errors', reuse);
      }
      // Apollo runs the operation again with the same context (its loaders still hold what this run
      // read) and formats the errors; errors are rare on this path, so running twice costs little.
      if (result.errors !== undefined && result.errors.length > 0) return toApollo('errors', reuse);
      metrics.observeRequest(operationLabel(operationName), 'ok', performance.now() - started);
      metrics.increment('graphql_fast_lane', served);
      // Apollo's default stringifyResult, byte for byte.
      return { kind: 'served', contentType, body: `${JSON.stringify({ data: result.data })}\n` };
    },
  };
}

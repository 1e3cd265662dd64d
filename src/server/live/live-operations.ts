import { randomUUID } from 'node:crypto';
import type {
  ExecutionArgs,
  ExecutionResult,
  FormattedExecutionResult,
  GraphQLFormattedError,
  GraphQLSchema,
  ValidationRule,
} from 'graphql';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate } from 'graphql';
import { authenticate, presentsCredentials } from '../../auth/authenticate.js';
import type { JwtVerifier } from '../../auth/jwt.js';
import type { Viewer } from '../../auth/viewer.js';
import type { ErrorCode } from '../../errors.js';
import { ErrorCodes, GatewayError, isGatewayError } from '../../errors.js';
import type { ChangeHub } from '../../live/change-hub.js';
import { createRequestScope } from '../../observability/request-scope.js';
import type { LiveContext } from '../../resolvers/live/live-context.js';
import { createRequestLoaders } from '../../resolvers/request-loaders.js';
import type { RateLimiter } from '../rate-limit.js';
import type { GatewayServices } from '../gateway-services.js';
import { formatGatewayError } from '../graphql-errors.js';
import { createClientAddressResolver } from '../client-address.js';
import { requestCostError } from '../query-limits.js';

/** One operation as a client sends it over graphql-ws or SSE. */
export interface LiveRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

/** Who is on the other end of a connection, established once when it opens. */
export interface LiveClient {
  readonly viewer: Viewer;
  /** The rate limit's key (as for HTTP requests: subject, else address). */
  readonly key: string;
}

export type PreparedOperation =
  | { readonly kind: 'ready'; readonly args: ExecutionArgs }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly errors: readonly GraphQLError[] };

export interface LiveOperations {
  /**
   * The connection's credentials → its client; rejects with a GatewayError: UNAUTHENTICATED for bad
   * ones, RATE_LIMITED once the address failed too often (as on HTTP: checked before the credentials).
   */
  identify(headers: { get(name: string): string | undefined }, remoteAddress: string): Promise<LiveClient>;
  /** Rate limit, parse, validate (spec rules and the gateway's limits), and the subscription's context. */
  prepare(client: LiveClient, request: LiveRequest): Promise<PreparedOperation>;
  /** Results and errors as the HTTP endpoint formats them (codes kept, internals masked). */
  formatResult(result: ExecutionResult): FormattedExecutionResult;
  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[];
}

export interface LiveOperationsDependencies {
  readonly schema: GraphQLSchema;
  readonly services: GatewayServices;
  readonly changes: ChangeHub;
  readonly requests: RateLimiter;
  readonly authFailures: RateLimiter;
  readonly jwt: JwtVerifier | null;
  /** The HTTP endpoint's extra rules (query limits). */
  readonly validationRules: readonly ValidationRule[];
}

const rejected = (error: GatewayError): PreparedOperation => ({
  kind: 'rejected',
  code: error.code,
  errors: [new GraphQLError(error.message, { originalError: error })],
});

/**
 * The HTTP endpoint's admission rules for operations arriving over a long-lived connection: the same
 * authentication, rate limit (each subscribe counts as one request), token bound, validation rules
 * and depth/cost limits, and the same error formatting. Each subscription gets a context of its own
 * that lives as long as it does.
 */
export function createLiveOperations(deps: LiveOperationsDependencies): LiveOperations {
  const { schema, services, changes } = deps;
  const { config, metrics, logger } = services;
  const rules: readonly ValidationRule[] = [
    ...specifiedRules,
    ...deps.validationRules,
    ...(config.http.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const format = formatGatewayError(logger);
  const addresses = createClientAddressResolver(config.http.trustProxy, config.http.trustedProxies);
  const formatErrors = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      const formatted = format(error.toJSON(), error);
      const code = formatted.extensions?.code;
      metrics.increment('graphql_errors', { code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
      return formatted;
    });

  function contextFor(viewer: Viewer): LiveContext {
    const scope = createRequestScope(randomUUID(), logger);
    const freshLoaders = () =>
      createRequestLoaders({ reader: services.reader, rows: services.rows, batching: true, cacheTally: scope.cacheTally });
    let loaders = freshLoaders();
    return {
      get loaders() {
        return loaders;
      },
      renewLoaders() {
        loaders = freshLoaders();
      },
      scope,
      metrics,
      viewer,
      search: services.search,
      config,
      changes,
    };
  }

  return {
    async identify(headers, remoteAddress) {
      const address = `ip:${addresses.resolve(remoteAddress, headers.get('x-forwarded-for'))}`;
      const guessing = `${config.rateLimit.authFailures} failed authentications per ${config.rateLimit.authFailureWindowMs / 1000} s from this address`;
      const credentials = presentsCredentials(headers);
      if (credentials && !(await deps.authFailures.peek(address)).allowed) throw new GatewayError('RATE_LIMITED', guessing);
      try {
        const viewer = await authenticate(headers, config.auth, deps.jwt);
        return { viewer, key: viewer.subject ?? address };
      } catch (error) {
        if (isGatewayError(error) && credentials && !(await deps.authFailures.take(address, 1)).allowed)
          throw new GatewayError('RATE_LIMITED', guessing);
        throw error;
      }
    },
    async prepare(client, request) {
      const decision = await deps.requests.take(client.key, 1);
      if (!decision.allowed) {
        return rejected(
          new GatewayError(
            'RATE_LIMITED',
            `rate limit of ${decision.limit} requests per ${config.rateLimit.windowMs / 1000} s exceeded; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
          ),
        );
      }
      if (typeof request.query !== 'string') return rejected(new GatewayError('BAD_USER_INPUT', 'the operation needs a query string'));
      const variables = request.variables ?? undefined;
      if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
        return rejected(new GatewayError('BAD_USER_INPUT', 'variables must be an object'));
      }
      let document;
      try {
        document = parse(request.query, { maxTokens: config.limits.maxTokens });
      } catch (error) {
        return {
          kind: 'rejected',
          code: 'BAD_USER_INPUT',
          errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))],
        };
      }
      const errors = validate(schema, document, rules);
      if (errors.length > 0) {
        const limit = errors.map((error) => error.originalError).find(isGatewayError);
        return { kind: 'rejected', code: limit?.code ?? 'BAD_USER_INPUT', errors };
      }
      // Validation costs a list sized by a variable at its largest; with the request's values it may pass.
      const costError = requestCostError(
        schema,
        document,
        typeof request.operationName === 'string' ? request.operationName : null,
        variables as Record<string, unknown> | null | undefined,
        config.limits,
      );
      if (costError !== null) return { kind: 'rejected', code: 'QUERY_TOO_COMPLEX', errors: [costError] };
      return {
        kind: 'ready',
        args: {
          schema,
          document,
          variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
          operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
          contextValue: contextFor(client.viewer),
        },
      };
    },
    formatResult(result) {
      return result.errors === undefined
        ? { data: result.data ?? null }
        : { ...(result.data === undefined ? {} : { data: result.data }), errors: formatErrors(result.errors) };
    },
    formatErrors,
  };
}

/** The HTTP status an SSE client gets for a refused operation. */
export const statusOf = (code: ErrorCode): number => ErrorCodes[code].status;

import type { HeaderMap } from '@apollo/server';
import { HeaderMap as ApolloHeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { authenticate, presentsCredentials } from '../auth/authenticate.js';
import type { JwtVerifier } from '../auth/jwt.js';
import type { Viewer } from '../auth/viewer.js';
import type { GatewayError } from '../errors.js';
import { ErrorCodes, isGatewayError } from '../errors.js';
import type { RequestScope } from '../observability/request-scope.js';
import { createRequestLoaders } from '../resolvers/request-loaders.js';
import type { RequestContext } from '../resolvers/request-context.js';
import type { ErrorAttribution } from './apollo-plugins.js';
import { createClientAddressResolver } from './client-address.js';
import type { GatewayServices } from './gateway-services.js';
import type { ClientInfo } from './http-server.js';
import type { RateDecision, RateLimiter } from './rate-limit.js';

export interface RequestContextDependencies {
  readonly services: GatewayServices;
  /** Requests per client (subject, else IP). */
  readonly requests: RateLimiter;
  /** Failed authentications per IP: past the limit, that IP's credentials are not even checked. */
  readonly authFailures: RateLimiter;
  readonly jwt: JwtVerifier | null;
  readonly batching: boolean;
  readonly errors: ErrorAttribution;
}

function asGraphQLError(error: GatewayError): GraphQLError {
  // Apollo answers a GraphQLError thrown by context creation with its code and HTTP status.
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: ErrorCodes[error.code].status } } });
}

function rateLimited(decision: Extract<RateDecision, { allowed: false }>, message: string): GraphQLError {
  const seconds = Math.ceil(decision.retryAfterMs / 1000);
  const retryAfter = new ApolloHeaderMap([['retry-after', String(seconds)]]);
  return new GraphQLError(`${message}; retry in ${seconds} s`, {
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: retryAfter } },
  });
}

/**
 * Builds each request's context: who is asking (credentials checked here, at the boundary), whether
 * the rate limits let it through, and the request's own loaders. Guessing credentials costs the
 * guesser: every failure counts against its address, and past AUTH_FAILURE_LIMIT the address is
 * refused (429) before any key or token it sends is looked at, until its window ends.
 */
export function requestContextFactory(deps: RequestContextDependencies) {
  const { services, errors } = deps;
  const { config, metrics } = services;
  const addresses = createClientAddressResolver(config.http.trustProxy, config.http.trustedProxies);
  const refuse = (error: GraphQLError, code: string) => {
    metrics.increment('graphql_errors', { code });
    return error;
  };
  const create = async (headers: HeaderMap, client: ClientInfo, scope: RequestScope): Promise<RequestContext> => {
    const address = `ip:${addresses.resolve(client.remoteAddress, headers.get('x-forwarded-for'))}`;
    const guessing = config.rateLimit.authFailures;
    const failureWindow = `${config.rateLimit.authFailureWindowMs / 1000} s`;
    if (presentsCredentials(headers)) {
      const blocked = await deps.authFailures.peek(address);
      if (!blocked.allowed)
        throw refuse(rateLimited(blocked, `${guessing} failed authentications per ${failureWindow} from this address`), 'RATE_LIMITED');
    }
    let viewer: Viewer;
    try {
      viewer = await authenticate(headers, config.auth, deps.jwt);
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      if (presentsCredentials(headers)) {
        const failures = await deps.authFailures.take(address, 1, scope.logger);
        if (!failures.allowed)
          throw refuse(rateLimited(failures, `${guessing} failed authentications per ${failureWindow} from this address`), 'RATE_LIMITED');
      }
      throw refuse(asGraphQLError(error), error.code);
    }
    const decision = await deps.requests.take(viewer.subject ?? address, client.operations, scope.logger);
    if (!decision.allowed) {
      throw refuse(
        rateLimited(decision, `rate limit of ${decision.limit} requests per ${config.rateLimit.windowMs / 1000} s exceeded`),
        'RATE_LIMITED',
      );
    }
    return {
      loaders: createRequestLoaders({
        reader: services.reader,
        rows: services.rows,
        batching: deps.batching,
        cacheTally: scope.cacheTally,
        freshness: scope.freshness,
      }),
      scope,
      metrics,
      viewer,
      search: services.search,
      config,
    };
  };
  return async (headers: HeaderMap, client: ClientInfo, scope: RequestScope): Promise<RequestContext> => {
    try {
      return await create(headers, client, scope);
    } catch (error) {
      // An unexpected failure is logged (masked) by the error boundary: with this request's id.
      if (!(error instanceof GraphQLError)) errors.note(error, scope.logger);
      throw error;
    }
  };
}

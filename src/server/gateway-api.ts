import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderMap } from '@apollo/server';
import { HeaderMap as ApolloHeaderMap } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/authenticate.js';
import type { Viewer } from '../auth/viewer.js';
import type { GatewayError } from '../errors.js';
import { ErrorCodes, isGatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { RequestScope } from '../observability/request-scope.js';
import { createRequestLoaders } from '../resolvers/request-loaders.js';
import type { RequestContext } from '../resolvers/request-context.js';
import type { ConsumerStatus } from '../sync/cdc-consumer.js';
import type { ErrorAttribution } from './apollo-plugins.js';
import { errorAttribution } from './apollo-plugins.js';
import { createApolloServer, gatewayValidationRules } from './apollo-server.js';
import { clientKey } from './client-key.js';
import type { GatewayServices } from './gateway-services.js';
import { createClientAddressResolver } from './client-address.js';
import { createGraphQLFastLane } from './graphql-fast-lane.js';
import { consumerReadiness, healthRoutes } from './health-routes.js';
import type { ClientInfo, RouteHandler } from './http-server.js';
import { createHttpGateway } from './http-server.js';
import { metricsRoute } from './metrics-route.js';
import type { RateDecision, RateLimiter } from './rate-limit.js';
import { createRateLimiter } from './rate-limit.js';
import { webRoot, webRoutes } from './web-routes.js';
import type { ChangeHub } from '../live/change-hub.js';
import type { LiveApi } from './live/live-api.js';
import { startLiveApi } from './live/live-api.js';

export interface GatewayApi {
  readonly url: string;
  readonly server: Server;
  /** The instance's change hub (subscriptions); null without GraphQL. */
  readonly changes: ChangeHub | null;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then stops Apollo. */
  stop(graceMs?: number): Promise<void>;
}

export interface GatewayApiOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Off only to measure what batching saves. */
  readonly batching?: boolean;
  /** The in-process CDC consumer: readiness requires it joined, and freshness reports its lag. */
  readonly consumerStatus?: () => ConsumerStatus;
  /** false: health and metrics only, no /graphql and no page (a --sync-only process). */
  readonly graphql?: boolean;
}

function asGraphQLError(error: GatewayError, headers?: HeaderMap): GraphQLError {
  // Apollo answers a GraphQLError thrown by context creation with its code and HTTP status.
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: ErrorCodes[error.code].status, ...(headers === undefined ? {} : { headers }) } } });
}

/**
 * The rate limiter as the request path calls it: with the request's logger, so the limiter's
 * fail-open warning carries the request id. (A limiter that takes two parameters ignores the third.)
 */
interface RequestRateLimiter {
  take(client: string, cost: number, logger: Logger): Promise<RateDecision>;
}

function contextFactory(services: GatewayServices, limiter: RequestRateLimiter, batching: boolean, errors: ErrorAttribution) {
  const { config, metrics } = services;
  const addresses = createClientAddressResolver(config.http.trustProxy, config.http.trustedProxies);
  const create = async (headers: HeaderMap, client: ClientInfo, scope: RequestScope): Promise<RequestContext> => {
    let viewer: Viewer;
    try {
      viewer = authenticate(headers, config.auth);
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      metrics.increment('graphql_errors', { code: error.code });
      throw asGraphQLError(error);
    }
    const decision = await limiter.take(clientKey(viewer, headers, client.remoteAddress, addresses), client.operations, scope.logger);
    if (!decision.allowed) {
      metrics.increment('graphql_errors', { code: 'RATE_LIMITED' });
      const retryAfter = new ApolloHeaderMap([['retry-after', String(Math.ceil(decision.retryAfterMs / 1000))]]);
      const message = `rate limit of ${decision.limit} requests per ${config.rateLimit.windowMs / 1000} s exceeded; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`;
      throw new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: retryAfter } } });
    }
    return {
      loaders: createRequestLoaders({ reader: services.reader, rows: services.rows, batching, cacheTally: scope.cacheTally }),
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

/** Serves /graphql, the search page at /, /healthz, /readyz and /metrics over the given services. */
export async function startGatewayApi(schema: GraphQLSchema, services: GatewayServices, options: GatewayApiOptions): Promise<GatewayApi> {
  const { config } = services;
  const withGraphQL = options.graphql ?? true;
  const errors = errorAttribution();
  const apollo = withGraphQL ? createApolloServer(schema, services, { consumerStatus: options.consumerStatus ?? null, errors }) : null;
  await apollo?.start();
  const limiter: RequestRateLimiter & RateLimiter = createRateLimiter({
    redis: services.redis,
    keyPrefix: config.redis.keyPrefix,
    limit: config.rateLimit.requests,
    windowMs: config.rateLimit.windowMs,
    metrics: services.metrics,
    logger: services.logger,
  });
  let draining = false;
  const servePage = withGraphQL && config.http.searchPage;
  const page = servePage ? webRoutes() : {};
  if (servePage && page['/'] === undefined) services.logger.warn({ directory: webRoot() }, 'search page files not found; / is not served');
  const routes: Record<string, RouteHandler> = {
    ...healthRoutes(services, {
      extraChecks: options.consumerStatus === undefined ? {} : { consumer: consumerReadiness(options.consumerStatus) },
      draining: () => draining,
    }),
    ...metricsRoute(services.metrics),
    ...page,
  };
  const live: LiveApi | null = withGraphQL ? await startLiveApi({ schema, services, limiter, validationRules: gatewayValidationRules(config) }) : null;
  const http = createHttpGateway({
    apollo,
    eventStreams: live?.eventStreams ?? null,
    createContext: contextFactory(services, limiter, options.batching ?? true, errors),
    fastLane: withGraphQL
      ? createGraphQLFastLane({
          schema,
          validationRules: gatewayValidationRules(config),
          introspection: config.http.introspection,
          maxCost: config.limits.maxCost,
          metrics: services.metrics,
          maxTokens: config.limits.maxTokens,
        })
      : null,
    routes,
    limits: config.limits,
    logger: services.logger,
    metrics: services.metrics,
  });
  const { server } = http;
  live?.attach(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    server,
    changes: live?.changes ?? null,
    async stop(graceMs = 10_000) {
      draining = true;
      http.startDraining();
      // Subscribers are told to go (1001 / the stream ends) at once: they reconnect to another instance.
      await live?.close();
      // close() waits for every connection; idle keep-alive ones are closed as they become idle,
      // busy ones after their response (which says `connection: close`), and all at the grace bound.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        clearInterval(sweeper);
        clearTimeout(deadline);
      }
      await apollo?.stop();
    },
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createJwtVerifier } from '../auth/jwt.js';
import type { ConsumerStatus } from '../sync/cdc-consumer.js';
import { errorAttribution } from './apollo-plugins.js';
import { createApolloServer, gatewayValidationRules } from './apollo-server.js';
import type { GatewayServices } from './gateway-services.js';
import { createGraphQLFastLane } from './graphql-fast-lane.js';
import { consumerReadiness, healthRoutes } from './health-routes.js';
import type { RouteHandler } from './http-server.js';
import { createHttpGateway } from './http-server.js';
import { metricsRoute } from './metrics-route.js';
import { createRateLimiter } from './rate-limit.js';
import { requestContextFactory } from './request-context-factory.js';
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

/** Serves /graphql, the search page at /, /healthz, /readyz and /metrics over the given services. */
export async function startGatewayApi(schema: GraphQLSchema, services: GatewayServices, options: GatewayApiOptions): Promise<GatewayApi> {
  const { config } = services;
  const withGraphQL = options.graphql ?? true;
  const errors = errorAttribution();
  const apollo = withGraphQL ? createApolloServer(schema, services, { consumerStatus: options.consumerStatus ?? null, errors }) : null;
  await apollo?.start();
  const limiterOf = (name: string, limit: number, windowMs: number) =>
    createRateLimiter({
      redis: services.redis,
      keyPrefix: config.redis.keyPrefix,
      name,
      limit,
      windowMs,
      metrics: services.metrics,
      logger: services.logger,
    });
  // Keys are imported once here; a bad key or JWKS URL was refused by the config loader already.
  const jwt = await createJwtVerifier(config.auth.jwt);
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
  // Shared by queries and subscriptions: one budget per client whichever way it asks.
  const requests = limiterOf('rl', config.rateLimit.requests, config.rateLimit.windowMs);
  const authFailures = limiterOf('authfail', config.rateLimit.authFailures, config.rateLimit.authFailureWindowMs);
  const live: LiveApi | null = withGraphQL
    ? await startLiveApi({ schema, services, requests, authFailures, jwt, validationRules: gatewayValidationRules(config) })
    : null;
  const http = createHttpGateway({
    apollo,
    eventStreams: live?.eventStreams ?? null,
    createContext: requestContextFactory({
      services,
      requests,
      authFailures,
      jwt,
      batching: options.batching ?? true,
      errors,
    }),
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

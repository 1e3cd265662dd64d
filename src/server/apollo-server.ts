import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { RequestContext } from '../resolvers/request-context.js';
import type { ConsumerStatus } from '../sync/cdc-consumer.js';
import type { ErrorAttribution } from './apollo-plugins.js';
import { metricsPlugin } from './apollo-plugins.js';
import { freshnessPlugin } from './freshness-plugin.js';
import type { GatewayServices } from './gateway-services.js';
import { formatGatewayError } from './graphql-errors.js';
import { queryLimitsRule, requestCostError } from './query-limits.js';

/** The validation rules the gateway adds to the spec's; the fast lane runs the same ones. */
export function gatewayValidationRules(config: GatewayConfig): ValidationRule[] {
  return [queryLimitsRule(config.limits)];
}

/**
 * Validation runs once per document text; an operation whose list sizes are variables is costed
 * here, per request, with the values the request sends, before anything executes.
 */
function variableCostPlugin(schema: GraphQLSchema, config: GatewayConfig): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ document, operationName, request }) {
          const error = requestCostError(schema, document, operationName, request.variables, config.limits);
          return error === null ? Promise.resolve() : Promise.reject(error);
        },
      });
    },
  };
}

export interface ApolloServerOptions {
  /** null: this process runs no CDC consumer. */
  readonly consumerStatus: (() => ConsumerStatus) | null;
  /** Puts the request id on the line logging a masked error. */
  readonly errors: ErrorAttribution;
}

/**
 * Apollo Server with only what the gateway uses: the per-field cache-control hook is off (it costs on
 * every field and the gateway sets no cache hints); introspection and the landing page only with
 * GRAPHQL_INTROSPECTION=true, schema hints in error messages ("did you mean…") off in production;
 * CSRF prevention stays on.
 *
 * Automatic persisted queries use Apollo's bounded in-memory LRU (about 30 MiB) of each process: a
 * client whose hash is unknown to the instance it reaches just sends the full query once more, so a
 * shared store would save one round trip per instance and query while adding a dependency.
 */
export function createApolloServer(
  schema: GraphQLSchema,
  services: GatewayServices,
  options: ApolloServerOptions,
): ApolloServer<RequestContext> {
  const production = services.config.mode === 'production';
  const { introspection } = services.config.http;
  const { errors } = options;
  return new ApolloServer<RequestContext>({
    schema,
    introspection,
    csrfPrevention: true,
    // The process's shutdown owns SIGTERM (drain HTTP, then stop Apollo); Apollo's own handler would
    // stop it underneath in-flight requests and re-raise the signal.
    stopOnTerminationSignals: false,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    // The HTTP layer enforces MAX_BATCH_OPERATIONS before Apollo sees the batch.
    allowBatchedHttpRequests: true,
    cache: 'bounded',
    persistedQueries: { ttl: null },
    validationRules: gatewayValidationRules(services.config),
    parseOptions: { maxTokens: services.config.limits.maxTokens },
    formatError: (formatted, error) => formatGatewayError(errors.loggerFor(error) ?? services.logger)(formatted, error),
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: false }) : ApolloServerPluginLandingPageDisabled(),
      variableCostPlugin(schema, services.config),
      metricsPlugin(services.metrics),
      freshnessPlugin({ consumerStatus: options.consumerStatus, watermarks: services.freshness }),
      errors.plugin,
    ],
  });
}

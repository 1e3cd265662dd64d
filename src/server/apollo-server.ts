import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../resolvers/request-context.js';
import type { GatewayServices } from './gateway-services.js';
import { formatGatewayError } from './graphql-errors.js';

/**
 * Apollo Server with only what the gateway uses: the per-field cache-control hook is off (it costs on
 * every field and the gateway sets no cache hints), and introspection and the landing page are off in
 * production. CSRF prevention stays on.
 */
export function createApolloServer(schema: GraphQLSchema, services: GatewayServices): ApolloServer<RequestContext> {
  const production = services.config.mode === 'production';
  return new ApolloServer<RequestContext>({
    schema,
    introspection: !production,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGatewayError(services.logger),
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: false }),
    ],
  });
}

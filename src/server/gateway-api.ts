import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderMap } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import { ErrorCodes, isGatewayError } from '../errors.js';
import { authenticate } from '../auth/authenticate.js';
import { createRequestLoaders } from '../resolvers/request-loaders.js';
import type { RequestContext } from '../resolvers/request-context.js';
import { createApolloServer } from './apollo-server.js';
import type { GatewayServices } from './gateway-services.js';
import { healthRoutes } from './health-routes.js';
import { createHttpServer } from './http-server.js';

export interface GatewayApi {
  readonly url: string;
  readonly server: Server;
  stop(): Promise<void>;
}

export interface GatewayApiOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Off only to measure what batching saves. */
  readonly batching?: boolean;
}

/** Serves /graphql, /healthz and /readyz over the given services. */
export async function startGatewayApi(schema: GraphQLSchema, services: GatewayServices, options: GatewayApiOptions): Promise<GatewayApi> {
  const apollo = createApolloServer(schema, services);
  await apollo.start();
  const batching = options.batching ?? true;
  const createContext = (headers: HeaderMap): Promise<RequestContext> => {
    let viewer;
    try {
      viewer = authenticate(headers, services.config.auth);
    } catch (error) {
      // Apollo answers a GraphQLError from context creation with its code and HTTP status.
      if (isGatewayError(error)) {
        throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: ErrorCodes[error.code].status } } });
      }
      throw error;
    }
    return Promise.resolve({
      loaders: createRequestLoaders({ reader: services.reader, rows: services.rows, batching }),
      metrics: services.metrics,
      viewer,
      search: services.search,
      config: services.config,
    });
  };
  const server = createHttpServer({ apollo, createContext, routes: healthRoutes(services) });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    server,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

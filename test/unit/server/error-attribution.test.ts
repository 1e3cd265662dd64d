import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createRequestScope } from '../../../src/observability/request-scope.js';
import type { RequestContext } from '../../../src/resolvers/request-context.js';
import { errorAttribution } from '../../../src/server/apollo-plugins.js';
import { createApolloServer } from '../../../src/server/apollo-server.js';
import type { GatewayServices } from '../../../src/server/gateway-services.js';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.7:3306');
        },
      },
    },
  }),
});

function capturedLines() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('masked errors are logged with their request id', () => {
  it('logs a masked resolver failure through the logger of the request that hit it', async () => {
    const { logger, lines } = capturedLines();
    // Only what createApolloServer reads: the mode, the limits, the logger and the metrics.
    const services = {
      config: loadGatewayConfig({ NODE_ENV: 'production' }),
      logger,
      metrics: createMetrics(),
    } as unknown as GatewayServices;
    const apollo = createApolloServer(schema, services, { consumerStatus: null, errors: errorAttribution() });
    await apollo.start();
    try {
      const contextValue = { scope: createRequestScope('req-masked-1', logger) } as unknown as RequestContext;
      const response = await apollo.executeOperation({ query: '{ broken }' }, { contextValue });
      assert.ok(response.body.kind === 'single');
      assert.deepEqual(
        response.body.singleResult.errors?.map((error) => [error.message, error.extensions?.code]),
        [['Internal server error', 'INTERNAL_SERVER_ERROR']],
      );
      const logged = lines().filter((line) => line.msg === 'internal error');
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.requestId, 'req-masked-1');
      assert.match(JSON.stringify(logged[0]?.err), /ECONNREFUSED/);
    } finally {
      await apollo.stop();
    }
  });

  it('finds the request of an error noted before Apollo wrapped it', () => {
    const { logger } = capturedLines();
    const attribution = errorAttribution();
    const failure = new Error('context factory bug');
    attribution.note(failure, logger);
    assert.equal(
      attribution.loggerFor(new GraphQLError('Context creation failed: context factory bug', { originalError: failure })),
      logger,
    );
    assert.equal(attribution.loggerFor(new Error('someone else')), undefined);
  });
});

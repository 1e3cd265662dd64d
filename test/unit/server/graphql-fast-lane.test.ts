import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createMetrics } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createRequestScope } from '../../../src/observability/request-scope.js';
import type { RequestContext } from '../../../src/resolvers/request-context.js';
import type { FastLaneOptions } from '../../../src/server/graphql-fast-lane.js';
import { answerContentType, createGraphQLFastLane } from '../../../src/server/graphql-fast-lane.js';
import { queryLimitsRule } from '../../../src/server/query-limits.js';

interface Item {
  id: number;
}

const itemType: GraphQLObjectType<Item> = new GraphQLObjectType<Item>({
  name: 'Item',
  fields: () => ({ id: { type: GraphQLInt }, child: { type: itemType, resolve: (item) => ({ id: item.id + 1 }) } }),
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: {
        type: GraphQLString,
        args: { name: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_root, args: { name: string }) => `hello ${args.name}`,
      },
      item: { type: itemType, resolve: () => ({ id: 1 }) },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('the database is on fire');
        },
      },
    },
  }),
  mutation: new GraphQLObjectType({ name: 'Mutation', fields: { touch: { type: GraphQLString, resolve: () => 'touched' } } }),
});

const jsonHeaders = (extra: [string, string][] = []) => new HeaderMap([['content-type', 'application/json'], ...extra]);

function setUp(overrides: Partial<FastLaneOptions> = {}) {
  const metrics = createMetrics();
  let validations = 0;
  const countingRule = () => {
    validations += 1;
    return {};
  };
  const lane = createGraphQLFastLane({
    schema,
    validationRules: [queryLimitsRule({ maxDepth: 3, maxAliases: 5, maxCost: 1_000 }), countingRule],
    introspection: false,
    maxCost: 1_000,
    metrics,
    maxTokens: 60,
    ...overrides,
  });
  const contexts: RequestContext[] = [];
  const createContext = () => {
    const context = { scope: createRequestScope(`req-${contexts.length}`, silentLogger) } as unknown as RequestContext;
    contexts.push(context);
    return Promise.resolve(context);
  };
  const outcomes = () =>
    Object.fromEntries(
      [...metrics.detailed()]
        .filter(([key]) => key.startsWith('graphql_fast_lane'))
        .map(([key, count]) => [key.slice(key.indexOf('=') + 1, -1), count]),
    );
  return { lane, metrics, contexts, createContext, outcomes, validations: () => validations };
}

describe('GraphQL fast lane', () => {
  it('answers a plain JSON query as Apollo would, byte for byte, and records the operation', async () => {
    const { lane, metrics, contexts, createContext, outcomes } = setUp();
    const outcome = await lane.serve(
      jsonHeaders(),
      { query: 'query Greet($name: String!) { hello(name: $name) }', variables: { name: 'ada' } },
      createContext,
    );
    assert.deepEqual(outcome, { kind: 'served', contentType: 'application/json; charset=utf-8', body: '{"data":{"hello":"hello ada"}}\n' });
    assert.equal(contexts.length, 1);
    assert.equal(contexts[0]?.scope.operationName, 'Greet');
    assert.deepEqual(outcomes(), { served: 1 });
    const { body } = await metrics.expose();
    assert.match(body, /gateway_graphql_request_duration_seconds_count\{operation="Greet",outcome="ok"\} 1/);
  });

  it('parses and validates each distinct text once', async () => {
    const { lane, createContext, validations } = setUp();
    for (let index = 0; index < 3; index += 1) await lane.serve(jsonHeaders(), { query: '{ item { id } }' }, createContext);
    await lane.serve(jsonHeaders(), { query: '{ item { id child { id } } }' }, createContext);
    assert.equal(validations(), 2);
  });

  it('leaves every request that is not a plain JSON query to Apollo, without building a context', async () => {
    const { lane, contexts, createContext, outcomes } = setUp();
    const query = '{ item { id } }';
    const cases: [HeaderMap, unknown][] = [
      // CSRF-relevant content types, and types that merely mention JSON, stay Apollo's to judge.
      [new HeaderMap([['content-type', 'text/plain']]), { query }],
      [new HeaderMap([['content-type', 'text/plain; charset=application/json']]), { query }],
      [new HeaderMap(), { query }],
      [jsonHeaders([['accept', 'multipart/mixed, application/json']]), { query }],
      [jsonHeaders([['accept', 'application/json;q=0.5, application/graphql-response+json']]), { query }],
      [jsonHeaders([['x-gateway-freshness', '1']]), { query }],
      [jsonHeaders(), [{ query }]],
      [jsonHeaders(), { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } }],
      [jsonHeaders(), { query, variables: '{"a":1}' }],
      [jsonHeaders(), { query: '' }],
      [jsonHeaders(), { query: 'mutation { touch }' }],
      [jsonHeaders(), { query: 'query A { item { id } } query B { item { id } }' }],
    ];
    for (const [headers, body] of cases)
      assert.deepEqual(await lane.serve(headers, body, createContext), { kind: 'fallback', context: null });
    assert.equal(contexts.length, 0);
    assert.deepEqual(outcomes(), { not_eligible: cases.length });
  });

  it('leaves invalid documents to Apollo: syntax, unknown fields, the query limits, introspection in production', async () => {
    const { lane, contexts, createContext, outcomes } = setUp();
    const overTokenLimit = `{ ${Array.from({ length: 30 }, (_, index) => `a${index}: item { id }`).join(' ')} }`;
    const invalid = [
      '{ item { id ',
      '{ nothing }',
      '{ item { child { child { child { id } } } } }',
      '{ __schema { types { name } } }',
      overTokenLimit,
    ];
    for (const query of invalid)
      assert.deepEqual(await lane.serve(jsonHeaders(), { query }, createContext), { kind: 'fallback', context: null });
    assert.equal(contexts.length, 0);
    assert.deepEqual(outcomes(), { invalid: invalid.length });
    const tooling = setUp({ introspection: true });
    const introspected = await tooling.lane.serve(jsonHeaders(), { query: '{ __schema { queryType { name } } }' }, tooling.createContext);
    assert.equal(introspected.kind, 'served');
  });

  it('hands Apollo the failure of context creation instead of creating a second context', async () => {
    const { lane, outcomes } = setUp();
    const refusal = new GraphQLError('rate limit exceeded', { extensions: { code: 'RATE_LIMITED' } });
    let calls = 0;
    const outcome = await lane.serve(jsonHeaders(), { query: '{ item { id } }' }, () => {
      calls += 1;
      return Promise.reject(refusal);
    });
    assert.equal(outcome.kind, 'fallback');
    assert.ok(outcome.kind === 'fallback' && outcome.context !== null);
    await assert.rejects(outcome.context(), (error) => error === refusal);
    assert.equal(calls, 1);
    assert.deepEqual(outcomes(), { context_failed: 1 });
  });

  it('hands Apollo the context it built when the answer has errors, so Apollo formats them', async () => {
    const { lane, contexts, createContext, outcomes } = setUp();
    const outcome = await lane.serve(jsonHeaders(), { query: '{ item { id } broken }' }, createContext);
    assert.ok(outcome.kind === 'fallback' && outcome.context !== null);
    assert.equal(await outcome.context(), contexts[0]);
    const coercion = await lane.serve(
      jsonHeaders(),
      { query: 'query ($name: String!) { hello(name: $name) }', variables: {} },
      createContext,
    );
    assert.ok(coercion.kind === 'fallback' && coercion.context !== null);
    assert.equal(contexts.length, 2);
    assert.deepEqual(outcomes(), { errors: 2 });
  });
});

describe('fast lane media types', () => {
  it('answers the JSON media types Apollo would, and leaves real negotiation to Apollo', () => {
    assert.equal(answerContentType(undefined), 'application/json; charset=utf-8');
    assert.equal(answerContentType('*/*'), 'application/json; charset=utf-8');
    assert.equal(answerContentType('application/json'), 'application/json; charset=utf-8');
    assert.equal(answerContentType('application/graphql-response+json'), 'application/graphql-response+json; charset=utf-8');
    assert.equal(
      answerContentType(
        'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      ),
      'application/graphql-response+json; charset=utf-8',
    );
    assert.equal(answerContentType('application/json, application/graphql-response+json'), 'application/json; charset=utf-8');
    assert.equal(answerContentType('text/html'), null);
    assert.equal(answerContentType('application/json;q=0.9, application/graphql-response+json'), null);
  });

  it('serves application/graphql-response+json with that content type', async () => {
    const { lane, createContext } = setUp();
    const outcome = await lane.serve(
      jsonHeaders([['accept', 'application/graphql-response+json']]),
      { query: '{ item { id } }' },
      createContext,
    );
    assert.equal(outcome.kind, 'served');
    assert.equal(outcome.kind === 'served' ? outcome.contentType : null, 'application/graphql-response+json; charset=utf-8');
  });
});

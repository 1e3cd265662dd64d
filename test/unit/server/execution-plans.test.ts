import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphQLFieldConfig } from 'graphql';
import { GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { plannedDocument, planFor } from '../../../src/server/execution-plans.js';
import type { RequestContext } from '../../../src/resolvers/request-context.js';

interface Seen {
  ids: string[];
  contexts: unknown[];
}

function schemaRecording(seen: Seen): GraphQLSchema {
  const product = new GraphQLObjectType({
    name: 'Product',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      name: { type: GraphQLString },
      stock: { type: GraphQLInt },
      broken: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
    },
  });
  const productField: GraphQLFieldConfig<unknown, unknown, { id: string }> = {
    type: product,
    args: { id: { type: new GraphQLNonNull(GraphQLID) } },
    // A promise, as the gateway's loaders return.
    resolve: (_root, { id }, context) => {
      seen.ids.push(id);
      seen.contexts.push(context);
      return Promise.resolve({ id, name: `Product ${id} "quoted" é`, stock: Number(id) * 2 });
    },
  };
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      product: productField,
      products: {
        type: new GraphQLList(product),
        args: { ids: { type: new GraphQLList(new GraphQLNonNull(GraphQLID)) } },
        resolve: (_root, { ids }: { ids: string[] }) => ids.map((id) => ({ id, name: null, stock: 0 })),
      },
    },
  });
  return new GraphQLSchema({ query });
}

/** graphql-js answers with null-prototype objects: compare what goes on the wire. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const context = { marker: 'the request context' } as unknown as RequestContext;

describe('execution plans', () => {
  it('runs a text with graphql-js first, then compiled, with the same answers, arguments and context', async () => {
    const seen: Seen = { ids: [], contexts: [] };
    const schema = schemaRecording(seen);
    const planned = plannedDocument(
      parse(`query Card($id: ID!, $withStock: Boolean!) {
        product(id: $id) { ...Named stock @include(if: $withStock) }
        other: product(id: "7") { id }
      }
      fragment Named on Product { id name }`),
    );
    const answers = [];
    const plans = [];
    for (const variables of [
      { id: '1', withStock: true },
      { id: '2', withStock: false },
      { id: '3', withStock: true },
    ]) {
      const plan = planFor(schema, planned, undefined);
      plans.push(plan);
      answers.push(wire(await plan(context, variables)));
    }
    assert.deepEqual(answers[0], { data: { product: { id: '1', name: 'Product 1 "quoted" é', stock: 2 }, other: { id: '7' } } });
    assert.deepEqual(answers[1], { data: { product: { id: '2', name: 'Product 2 "quoted" é' }, other: { id: '7' } } });
    assert.deepEqual(answers[2], { data: { product: { id: '3', name: 'Product 3 "quoted" é', stock: 6 }, other: { id: '7' } } });
    assert.equal(
      JSON.stringify(answers[2]),
      JSON.stringify({ data: { product: { id: '3', name: 'Product 3 "quoted" é', stock: 6 }, other: { id: '7' } } }),
      'same key order',
    );
    assert.deepEqual(seen.ids, ['1', '7', '2', '7', '3', '7']);
    assert.ok(seen.contexts.every((seenContext) => seenContext === context));
    assert.ok(plans[2] !== plans[0] && plans[2] !== plans[1], 'the second use compiled the plan the third use runs');
    assert.equal(planFor(schema, planned, undefined), plans[2], 'compiled once');
  });

  it('keeps one plan per operation name and reports errors like graphql-js (non-null violation, bad variables)', async () => {
    const schema = schemaRecording({ ids: [], contexts: [] });
    const planned = plannedDocument(
      parse('query A($id: ID!) { product(id: $id) { id broken } } query B($ids: [ID!]) { products(ids: $ids) { id } }'),
    );
    for (let use = 0; use < 3; use += 1) {
      const a = await planFor(schema, planned, 'A')(context, { id: '5' });
      assert.deepEqual(wire(a.data), { product: null });
      assert.equal(a.errors?.length, 1);
      assert.match(a.errors?.[0]?.message ?? '', /non-nullable field Product.broken/);
      const b = await planFor(schema, planned, 'B')(context, { ids: ['1', '2'] });
      assert.deepEqual(wire(b), { data: { products: [{ id: '1' }, { id: '2' }] } });
      const wrong = await planFor(schema, planned, 'B')(context, { ids: [{ not: 'an id' }] });
      assert.equal(wrong.data, undefined);
      assert.ok((wrong.errors?.length ?? 0) > 0, 'a variable of the wrong type is an error, not an answer');
    }
    assert.deepEqual([...planned.plans.keys()].sort(), ['A', 'B']);
  });
});

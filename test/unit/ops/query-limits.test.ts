import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationDefinitionNode } from 'graphql';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { measureOperation, queryLimitsRule, requestCostError } from '../../../src/server/query-limits.js';

const schema = buildSchema(`
  type Query {
    product(id: ID!): Product
    products(ids: [ID!]!): [Product!]!
    user(id: ID!): User
  }
  type Product { id: ID! name: String! category: Category }
  type Category { id: ID! name: String! parent: Category children: [Category!]! }
  type User { id: ID! orders(first: Int = 20, after: String): OrderConnection! }
  type OrderConnection { nodes: [Order!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! }
  type Order { id: ID! items: [OrderItem!]! }
  type OrderItem { id: ID! product: Product }
`);

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  assert.ok(operation);
  const fragments = (name: string) =>
    document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name) as never;
  const { usesVariableSizes: _, ...measured } = measureOperation(schema, operation, fragments, variables);
  return measured;
}

const codesOf = (query: string, limits = { maxDepth: 5, maxAliases: 2, maxCost: 100 }) =>
  validate(schema, parse(query), [queryLimitsRule(limits)]).map((error) => (error.originalError as { code?: string } | undefined)?.code);

describe('query depth, aliases and cost', () => {
  it('counts root fields as depth 1 and each nested selection as one more', () => {
    assert.equal(measure('{ product(id: 1) { id } }').depth, 2);
    assert.equal(measure('{ product(id: 1) { category { parent { parent { name } } } } }').depth, 5);
  });

  it('follows fragments and inline fragments for depth, aliases and cost', () => {
    const measured = measure(
      'query { a: product(id: 1) { ...P } } fragment P on Product { b: category { ... on Category { parent { name } } } }',
    );
    assert.deepEqual(measured, { depth: 4, aliases: 2, cost: 4 });
  });

  it('multiplies a list by the number of ids asked for', () => {
    assert.equal(measure('{ products(ids: [1, 2, 3]) { id name } }').cost, 1 + 3 * 2);
  });

  it('multiplies a connection by first, or by its default when first is omitted', () => {
    assert.equal(measure('{ user(id: 1) { orders(first: 5) { nodes { id } } } }').cost, 1 + 1 + 5 * (1 + 1));
    assert.equal(measure('{ user(id: 1) { orders { nodes { id } } } }').cost, 1 + 1 + 20 * (1 + 1));
  });

  it("counts a variable page size at the value sent, else at its default, else at the field's default", () => {
    const query = 'query($n: Int = 3) { user(id: 1) { orders(first: $n) { nodes { id } } } }';
    assert.equal(measure(query, { n: 100 }).cost, 1 + 1 + 100 * 2);
    assert.equal(measure(query).cost, 1 + 1 + 3 * 2);
    // Unset and without an operation default, the variable leaves the argument unset: execution uses
    // the field's own default (20), and so does the cost.
    assert.equal(measure('query($n: Int) { user(id: 1) { orders(first: $n) { nodes { id } } } }').cost, 1 + 1 + 20 * 2);
    assert.equal(measure('query($ids: [ID!]!) { products(ids: $ids) { id } }', { ids: ['1', '2'] }).cost, 1 + 2);
  });

  it('leaves a cost that depends on variables to the per-request check, which uses their values', () => {
    const query = 'query($n: Int = 1) { user(id: 1) { orders(first: $n) { nodes { items { id } } } } }';
    assert.deepEqual(codesOf(query), []);
    const codeFor = (variables: Record<string, unknown>) =>
      (requestCostError(schema, parse(query), undefined, variables, { maxCost: 200 })?.originalError as { code?: string } | undefined)
        ?.code;
    assert.equal(codeFor({ n: 50 }), 'QUERY_TOO_COMPLEX');
    assert.equal(codeFor({}), undefined, 'the default (1 order of up to 100 items) is within the limit');
  });

  it('costs a list without a size argument at the 100 items it may return', () => {
    assert.equal(measure('{ product(id: 1) { category { children { id } } } }').cost, 1 + 1 + 1 + 100);
  });

  it('counts introspection against aliases and cost; the ofType chain adds no depth', () => {
    assert.deepEqual(codesOf('{ __type(name: "Product") { ofType { ofType { ofType { ofType { name } } } } } }'), []);
    assert.deepEqual(codesOf('{ a: __typename b: __typename c: __typename }'), ['TOO_MANY_ALIASES']);
    assert.deepEqual(
      codesOf('{ __schema { types { fields { type { fields { name } } } } } }', { maxDepth: 10, maxAliases: 2, maxCost: 100 }),
      ['QUERY_TOO_COMPLEX'],
    );
  });

  it('rejects each exceeded limit with its own code before anything runs', () => {
    assert.deepEqual(codesOf('{ product(id: 1) { category { parent { parent { parent { parent { name } } } } } } }'), ['QUERY_TOO_DEEP']);
    assert.deepEqual(codesOf('{ a: product(id: 1) { id } b: product(id: 2) { id } c: product(id: 3) { id } }'), ['TOO_MANY_ALIASES']);
    assert.deepEqual(codesOf('{ user(id: 1) { orders(first: 2) { nodes { items { id } } } } }'), ['QUERY_TOO_COMPLEX']);
    assert.deepEqual(codesOf('{ product(id: 1) { id name } }'), []);
  });

  it('names the limit and the measured value in the message', () => {
    const [error] = validate(
      schema,
      parse('query Deep { product(id: 1) { category { parent { parent { parent { parent { name } } } } } } }'),
      [queryLimitsRule({ maxDepth: 5, maxAliases: 2, maxCost: 100 })],
    );
    assert.equal(error?.message, 'operation Deep is 7 levels deep; the limit is 5');
  });

  it('terminates on a fragment cycle (which the spec rules report)', () => {
    assert.ok(
      measure('{ product(id: 1) { ...A } } fragment A on Product { category { ...B } } fragment B on Category { parent { ...B } }').depth >=
        3,
    );
  });
});

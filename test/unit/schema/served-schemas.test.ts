import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphQLObjectType } from 'graphql';
import { buildGatewaySchema } from '../../../src/resolvers/build-schema.js';
import { GatewayError } from '../../../src/errors.js';
import { loadServedSchema } from '../../../src/schema/schema-catalogue.js';

describe('served schemas', () => {
  it('finds a generated schema by its folder name, and refuses a name with no folder', async () => {
    const library = await loadServedSchema('library');
    assert.deepEqual(
      library.entities.map((entity) => entity.name),
      ['Author', 'Book', 'Genre', 'Loan', 'Member'],
    );
    assert.equal((await loadServedSchema('shop')).models, null);
    await assert.rejects(
      loadServedSchema('inventory'),
      (error: unknown) =>
        error instanceof GatewayError && error.code === 'CONFIG_INVALID' && /no src\/schema\/generated\/inventory/.test(error.message),
    );
    await assert.rejects(loadServedSchema('../etc'), /GATEWAY_SCHEMA="..\/etc" is invalid/);
  });

  it('builds the generic GraphQL surface of a generated schema from its models alone', async () => {
    const schema = await buildGatewaySchema(await loadServedSchema('library'));
    const query = schema.getQueryType() as GraphQLObjectType;
    const argumentsOf = (type: GraphQLObjectType, field: string) =>
      type.getFields()[field]?.args.map((argument) => `${argument.name}: ${String(argument.type)}`);
    assert.deepEqual(argumentsOf(query, 'loan'), ['bookId: ID!', 'memberId: ID!'], 'one argument per key column');
    assert.deepEqual(argumentsOf(query, 'book'), ['id: ID!']);
    assert.deepEqual(argumentsOf(query, 'books'), ['ids: [ID!]!']);
    assert.deepEqual(argumentsOf(query, 'allLoans')?.sort(), ['after: String', 'first: Int!']);
    assert.equal(query.getFields()['loans'], undefined, 'no by-ids list for a composite key');
    const book = schema.getType('Book') as GraphQLObjectType;
    assert.equal(String(book.getFields()['author']?.type), 'Author');
    assert.equal(String(book.getFields()['genre']?.type), 'Genre');
    assert.equal(String(book.getFields()['loans']?.type), 'LoanConnection!');
    assert.deepEqual(argumentsOf(book, 'loans'), ['first: Int!', 'after: String']);
    const subscription = schema.getSubscriptionType() as GraphQLObjectType;
    assert.deepEqual(Object.keys(subscription.getFields()).sort(), [
      'authorChanged',
      'bookChanged',
      'entityChanged',
      'genreChanged',
      'loanChanged',
      'memberChanged',
    ]);
  });
});

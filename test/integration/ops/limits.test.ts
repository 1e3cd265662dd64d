import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { OpsGateway } from './ops-gateway.js';
import { startOpsGateway } from './ops-gateway.js';

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

describe('request limits', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({
      env: {
        MAX_QUERY_DEPTH: '4',
        MAX_QUERY_ALIASES: '3',
        MAX_QUERY_COST: '500',
        MAX_BATCH_OPERATIONS: '3',
        MAX_BODY_BYTES: '4096',
        MAX_QUERY_TOKENS: '400',
      },
    });
  });
  after(async () => {
    await gateway.close();
  });

  it('refuses a query deeper than MAX_QUERY_DEPTH before executing it, and allows one at the limit', async () => {
    const deep = await gateway.query('{ product(id: "1") { category { parent { parent { name } } } } }');
    assert.equal(deep.status, 400);
    assert.equal(codeOf(deep.body), 'QUERY_TOO_DEEP');
    assert.match(deep.body.errors?.[0]?.message ?? '', /5 levels deep; the limit is 4/);
    assert.equal(deep.body.data, undefined, 'nothing executed');
    const sqlBefore = gateway.services.metrics.snapshot().sql_queries;
    await gateway.query('{ product(id: "1") { category { parent { parent { name } } } } }');
    assert.equal(gateway.services.metrics.snapshot().sql_queries, sqlBefore, 'a refused query sends no SQL');
    const allowed = await gateway.query('{ product(id: "1") { category { parent { name } } } }');
    assert.equal(allowed.body.errors, undefined);
  });

  it('refuses more aliases than MAX_QUERY_ALIASES', async () => {
    const many = await gateway.query(
      '{ a: product(id: "1") { id } b: product(id: "2") { id } c: product(id: "3") { id } d: product(id: "4") { id } }',
    );
    assert.equal(codeOf(many.body), 'TOO_MANY_ALIASES');
    const few = await gateway.query('{ a: product(id: "1") { id } b: product(id: "2") { id } c: product(id: "3") { id } }');
    assert.equal(few.body.errors, undefined);
  });

  it('refuses a document with more than MAX_QUERY_TOKENS tokens while parsing, before validation runs', async () => {
    // Within the body limit, yet 450 tokens: an alias bomb is stopped by the parser's token budget.
    const bomb = `{ ${Array.from({ length: 150 }, (_, index) => `a${index}:id`).join(' ')} }`;
    assert.ok(bomb.length < 4096);
    const refused = await gateway.query(bomb);
    assert.equal(refused.status, 400);
    assert.equal(codeOf(refused.body), 'GRAPHQL_PARSE_FAILED');
    assert.match(refused.body.errors?.[0]?.message ?? '', /400 tokens/);
  });

  it('refuses a query whose estimated cost (list sizes multiplied) exceeds MAX_QUERY_COST', async () => {
    const costly = await gateway.query('{ user(id: "1") { orders(first: 100) { nodes { id userId status total currency createdAt } } } }');
    assert.equal(codeOf(costly.body), 'QUERY_TOO_COMPLEX');
    assert.match(costly.body.errors?.[0]?.message ?? '', /estimated cost of \d+ .*the limit is 500/);
    const cheap = await gateway.query('{ user(id: "1") { orders(first: 5) { nodes { id userId status total currency createdAt } } } }');
    assert.equal(cheap.body.errors, undefined);
  });

  it('refuses a page larger than the maximum page size', async () => {
    const response = await gateway.query('{ category(id: "1") { products(first: 101) { nodes { id } } } }');
    assert.equal(codeOf(response.body), 'BAD_USER_INPUT');
    assert.match(response.body.errors?.[0]?.message ?? '', /first must be between 1 and 100/);
  });

  it('answers a batch of up to MAX_BATCH_OPERATIONS operations and refuses a larger one', async () => {
    const post = (count: number) =>
      fetch(gateway.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Array.from({ length: count }, (_, index) => ({ query: `{ product(id: "${index + 1}") { id } }` }))),
      });
    const allowed = await post(3);
    assert.equal(allowed.status, 200);
    assert.equal(((await allowed.json()) as unknown[]).length, 3);
    const refused = await post(4);
    assert.equal(refused.status, 400);
    assert.equal(codeOf((await refused.json()) as never), 'BATCH_TOO_LARGE');
  });

  it('refuses a body larger than MAX_BODY_BYTES with 413 and a code', async () => {
    const response = await fetch(gateway.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ product(id: "1") { id } }`, variables: { padding: 'x'.repeat(5000) } }),
    });
    assert.equal(response.status, 413);
    assert.equal(codeOf((await response.json()) as never), 'PAYLOAD_TOO_LARGE');
  });

  it('keeps CSRF prevention on: a simple (form-like) request is refused', async () => {
    const response = await fetch(gateway.api.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ product(id: \\"1\\") { id } }"}',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /CSRF/);
    const get = await fetch(`${gateway.api.url}?query=${encodeURIComponent('{ product(id: "1") { id } }')}`);
    assert.equal(get.status, 400, 'a GET without a preflight header is refused too');
  });

  it('serves automatic persisted queries: an unknown hash asks for the query, then the hash alone works', async () => {
    const query = `{ product(id: "1") { id } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const send = (body: unknown) =>
      fetch(gateway.api.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>,
      );
    assert.equal(codeOf(await send({ extensions })), 'PERSISTED_QUERY_NOT_FOUND');
    assert.deepEqual((await send({ query, extensions })).data, { product: { id: '1' } });
    assert.deepEqual((await send({ extensions })).data, { product: { id: '1' } });
  });
});

describe('production mode', () => {
  it('turns introspection and the landing page off (and on with GRAPHQL_INTROSPECTION=true)', async () => {
    const production = await startOpsGateway({ env: { NODE_ENV: 'production' } });
    const development = await startOpsGateway({ env: { NODE_ENV: 'development', GRAPHQL_INTROSPECTION: 'true' } });
    try {
      const introspection = '{ __schema { queryType { name } } }';
      assert.equal(codeOf((await production.query(introspection)).body), 'GRAPHQL_VALIDATION_FAILED');
      assert.deepEqual((await development.query(introspection)).body.data, { __schema: { queryType: { name: 'Query' } } });
      const landing = (gateway: OpsGateway) => fetch(gateway.api.url, { headers: { accept: 'text/html' } });
      assert.notEqual((await landing(production)).headers.get('content-type'), 'text/html');
      assert.match((await landing(development)).headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await fetch(`${production.origin}/`)).status, 404, 'no demo page in production');
      assert.equal((await fetch(`${development.origin}/`)).status, 200);
    } finally {
      await production.close();
      await development.close();
    }
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery } from 'graphql';
import type { OpsGateway } from './ops-gateway.js';
import { eventually, startOpsGateway } from './ops-gateway.js';

/** The Redis client connects in the background; these tests need it connected (the limiter's store, a readiness check). */
const redisReady = (gateway: OpsGateway) =>
  eventually(() => Promise.resolve(gateway.services.redis.status === 'ready'), 10_000, 'Redis connected');

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const operatorKey = 'operator-key-0123456789abcdef';
const orderFields = 'id userId status total currency createdAt';

describe('query limits a client cannot walk around', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({ env: { MAX_QUERY_COST: '500', MAX_QUERY_ALIASES: '3', GRAPHQL_INTROSPECTION: 'true' } });
  });
  after(async () => {
    await gateway.close();
  });

  it('costs a page size given by a variable at the value the request sends, not at its default', async () => {
    const query = `query Orders($n: Int = 1) { user(id: "1") { orders(first: $n) { nodes { ${orderFields} } } } }`;
    // Twice: the second time the text is known, and the fast lane must check the values too.
    for (let round = 0; round < 2; round += 1) {
      const costly = await gateway.query(query, { n: 100 });
      assert.equal(costly.status, 400);
      assert.equal(codeOf(costly.body), 'QUERY_TOO_COMPLEX', costly.text);
      assert.match(costly.body.errors?.[0]?.message ?? '', /operation Orders has an estimated cost of \d+ .*the limit is 500/);
      assert.equal(costly.body.data, undefined, 'nothing executed');
    }
    const cheap = await gateway.query(query, { n: 5 });
    assert.equal(cheap.body.errors, undefined, cheap.text);
    const byDefault = await gateway.query(query);
    assert.equal(byDefault.body.errors, undefined, byDefault.text);
  });

  it("costs a list without a size argument (an order's items) at the 100 it may return", async () => {
    const response = await gateway.query(`{ user(id: "1") { orders(first: 5) { nodes { items { id quantity } } } } }`);
    assert.equal(codeOf(response.body), 'QUERY_TOO_COMPLEX', response.text);
  });

  it('counts introspection against the alias and cost limits', async () => {
    const aliased = await gateway.query(
      '{ a: __schema { queryType { name } } b: __schema { queryType { name } } c: __typename d: __typename }',
    );
    assert.equal(codeOf(aliased.body), 'TOO_MANY_ALIASES', aliased.text);
    const nested = await gateway.query('{ __schema { types { fields { type { fields { type { name } } } } } } }');
    assert.equal(codeOf(nested.body), 'QUERY_TOO_COMPLEX', nested.text);
    const small = await gateway.query('{ __type(name: "Product") { name fields { name } } }');
    assert.equal(small.body.errors, undefined, small.text);
  });

  it('still answers the standard introspection query under the default limits when introspection is on', async () => {
    const tooling = await startOpsGateway({ env: { GRAPHQL_INTROSPECTION: 'true' } });
    try {
      const response = await tooling.query(getIntrospectionQuery());
      assert.equal(response.body.errors, undefined, response.text.slice(0, 500));
      assert.ok(((response.body.data?.__schema as { types: unknown[] }).types.length ?? 0) > 10);
    } finally {
      await tooling.close();
    }
  });

  it('keeps introspection off unless GRAPHQL_INTROSPECTION=true, in development too', async () => {
    const development = await startOpsGateway({ env: { NODE_ENV: 'development' } });
    try {
      const response = await development.query('{ __schema { queryType { name } } }');
      assert.equal(codeOf(response.body), 'GRAPHQL_VALIDATION_FAILED', response.text);
      const landing = await fetch(development.api.url, { headers: { accept: 'text/html' } });
      assert.doesNotMatch(landing.headers.get('content-type') ?? '', /text\/html/, 'no landing page either');
    } finally {
      await development.close();
    }
  });
});

describe('client address behind proxies', () => {
  let gateway: OpsGateway;

  before(async () => {
    // The test connects from 127.0.0.1, one of the default TRUSTED_PROXIES: it plays the load balancer.
    gateway = await startOpsGateway({
      env: { TRUST_PROXY: 'true', RATE_LIMIT_REQUESTS: '2', REDIS_KEY_PREFIX: `it:xff:${randomBytes(4).toString('hex')}:` },
    });
    await redisReady(gateway);
  });
  after(async () => {
    await gateway.close();
  });

  it('keys the rate limit by the rightmost untrusted X-Forwarded-For hop, so a forged left part changes nothing', async () => {
    const query = '{ product(id: "1") { id } }';
    const from = (forwardedFor: string) => gateway.query(query, {}, { 'x-forwarded-for': forwardedFor });
    assert.equal((await from('1.1.1.1, 203.0.113.7')).status, 200);
    assert.equal((await from('2.2.2.2, 203.0.113.7, 10.0.0.5')).status, 200, 'a trusted inner proxy is skipped');
    assert.equal((await from('3.3.3.3, 203.0.113.7')).status, 429, 'same client, whatever it wrote on the left');
    assert.equal((await from('1.1.1.1, 198.51.100.9')).status, 200, 'another client has its own budget');
  });
});

describe('readiness for anyone, details for operators', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({ env: { API_KEYS: `ops:${operatorKey}:operator`, READINESS_CACHE_MS: '1000' } });
    await redisReady(gateway);
  });
  after(async () => {
    await gateway.close();
  });

  it('shows only the status without the operator key, and every dependency with it', async () => {
    const anonymous = await fetch(`${gateway.origin}/readyz`);
    assert.equal(anonymous.status, 200);
    assert.deepEqual(await anonymous.json(), { status: 'ready' });
    const operator = await fetch(`${gateway.origin}/readyz`, { headers: { 'x-api-key': operatorKey } });
    const body = (await operator.json()) as { status: string; dependencies: Record<string, { ok: boolean }> };
    assert.equal(body.status, 'ready');
    assert.deepEqual(Object.keys(body.dependencies).sort(), ['elasticsearch', 'mysql', 'redis']);
    const wrongKey = await fetch(`${gateway.origin}/readyz`, { headers: { 'x-api-key': `${operatorKey}x` } });
    assert.deepEqual(await wrongKey.json(), { status: 'ready' });
  });

  it('checks the dependencies once per second however many probes arrive', async () => {
    const { pool } = gateway.services;
    const query = pool.query.bind(pool);
    let checks = 0;
    pool.query = ((...args: Parameters<typeof query>) => {
      checks += 1;
      return query(...args);
    }) as typeof pool.query;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${gateway.origin}/readyz`).then((response) => response.status)),
      );
      assert.deepEqual(new Set(statuses), new Set([200]));
      for (let index = 0; index < 5; index += 1) assert.equal((await fetch(`${gateway.origin}/readyz`)).status, 200);
      assert.equal(checks, 1, '25 probes within the second, one MySQL check');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await fetch(`${gateway.origin}/readyz`);
      assert.equal(checks, 2, 'checked again once the second passed');
    } finally {
      pool.query = query;
    }
  });
});

describe('fast lane and the GraphQL-over-HTTP media type', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway();
  });
  after(async () => {
    await gateway.close();
  });

  it('serves application/graphql-response+json itself, as Apollo would answer it', async () => {
    const served = () => gateway.services.metrics.detailed().get('graphql_fast_lane{outcome=served}') ?? 0;
    const accept = 'application/graphql-response+json, application/json';
    const send = (extensions?: object) =>
      fetch(gateway.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: '{ product(id: "1") { id } }', ...(extensions === undefined ? {} : { extensions }) }),
      });
    const before = served();
    const fast = await send();
    const apollo = await send({});
    assert.equal(served() - before, 1, 'the first request was answered by the fast lane');
    assert.equal(fast.headers.get('content-type'), 'application/graphql-response+json; charset=utf-8');
    assert.equal(fast.headers.get('content-type'), apollo.headers.get('content-type'));
    assert.equal(await fast.text(), await apollo.text());
  });
});

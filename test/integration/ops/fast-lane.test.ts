import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { OpsGateway } from './ops-gateway.js';
import { capturedLogger, eventually, startOpsGateway } from './ops-gateway.js';

const apiKey = 'fast-lane-key-0123456789abcdef';

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
  /** The framing too: a length, never chunks, for a body known in full. */
  readonly contentLength: string | null;
  readonly transferEncoding: string | null;
  readonly text: string;
}

async function post(gateway: OpsGateway, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(gateway.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    contentLength: response.headers.get('content-length'),
    transferEncoding: response.headers.get('transfer-encoding'),
    text: await response.text(),
  };
}

/** The same request, sent so that it takes the fast lane, and so that only Apollo can answer it (an `extensions` member). */
async function bothWays(
  gateway: OpsGateway,
  request: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
) {
  const fast = await post(gateway, request, headers);
  const apollo = await post(gateway, { ...request, extensions: {} }, headers);
  return { fast, apollo };
}

const outcomes = (gateway: OpsGateway) => (outcome: string) =>
  gateway.services.metrics.detailed().get(`graphql_fast_lane{outcome=${outcome}}`) ?? 0;

describe('GraphQL fast lane in front of Apollo', () => {
  const log = capturedLogger('info');
  let gateway: OpsGateway;
  let count: (outcome: string) => number;

  before(async () => {
    gateway = await startOpsGateway({ logger: log.logger, env: { MAX_QUERY_DEPTH: '4', API_KEYS: `support:${apiKey}:personal` } });
    count = outcomes(gateway);
  });
  after(async () => {
    await gateway.close();
  });

  it('answers a plain query exactly as Apollo does (status, content type, bytes)', async () => {
    const served = count('served');
    const { fast, apollo } = await bothWays(gateway, {
      query: 'query Card($id: ID!) { product(id: $id) { id name price category { name } } }',
      variables: { id: '1' },
    });
    assert.equal(count('served') - served, 1, 'the first request took the fast lane, the second did not');
    assert.deepEqual(fast, apollo);
    assert.equal(fast.status, 200);
    assert.equal(fast.transferEncoding, null);
    assert.equal(Number(fast.contentLength), Buffer.byteLength(fast.text));
    assert.match(fast.text, /^\{"data":\{"product":\{"id":"1"/);
  });

  it('hands a resolver error to Apollo, which answers with its own error shape and code', async () => {
    const errors = count('errors');
    const { fast, apollo } = await bothWays(gateway, { query: '{ user(id: "1") { id email } }' });
    assert.equal(count('errors') - errors, 1);
    assert.deepEqual(fast, apollo);
    assert.match(fast.text, /requires the role personal.*"code":"UNAUTHENTICATED"/);
  });

  it('applies the same validation and query limits, leaving the refusal to Apollo', async () => {
    const invalid = count('invalid');
    for (const query of [
      '{ product(id: "1") { nope } }',
      '{ product(id: "1") { category { parent { parent { name } } } } }',
      '{ product(id: "1") { id ',
    ]) {
      const { fast, apollo } = await bothWays(gateway, { query });
      assert.deepEqual(fast, apollo, query);
      assert.equal(fast.status, 400, query);
    }
    assert.equal(count('invalid') - invalid, 3);
    const deep = await post(gateway, { query: '{ product(id: "1") { category { parent { parent { name } } } } }' });
    assert.match(deep.text, /"code":"QUERY_TOO_DEEP"/);
  });

  it('authenticates on the fast lane: a wrong key is refused as by Apollo, a personal key reads the email', async () => {
    const { fast, apollo } = await bothWays(
      gateway,
      { query: '{ product(id: "1") { id } }' },
      { 'x-api-key': 'wrong-key-0123456789abcdef' },
    );
    assert.deepEqual(fast, apollo);
    assert.equal(fast.status, 401);
    assert.match(fast.text, /"code":"UNAUTHENTICATED"/);
    const served = count('served');
    const personal = await post(gateway, { query: '{ user(id: "1") { email } }' }, { 'x-api-key': apiKey });
    assert.equal(personal.status, 200);
    assert.match(personal.text, /"email":"[^"]+@/);
    assert.equal(count('served') - served, 1);
  });

  it("keeps CSRF prevention: a simple content type is Apollo's to refuse, even one that mentions JSON", async () => {
    for (const contentType of ['text/plain', 'text/plain; charset=application/json']) {
      const served = count('served');
      const response = await fetch(gateway.api.url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: '{ product(id: "1") { id } }' }),
      });
      assert.equal(response.status, 400, contentType);
      assert.match(await response.text(), /Cross-Site Request Forgery/);
      assert.equal(count('served'), served, contentType);
    }
  });

  it('writes the access line of a fast-lane answer with its request id and operation name', async () => {
    const served = count('served');
    await post(gateway, { query: 'query FastLogged { product(id: "2") { id } }' }, { 'x-request-id': 'it-fast-lane-0001' });
    assert.equal(count('served') - served, 1);
    const line = log.lines().find((entry) => entry.requestId === 'it-fast-lane-0001' && entry.msg === 'request');
    assert.ok(line, log.text());
    assert.equal(line.operation, 'FastLogged');
    assert.equal(line.status, 200);
  });
});

describe('rate limit on the fast lane', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({
      env: { REDIS_KEY_PREFIX: `it:fl:${randomBytes(4).toString('hex')}:`, RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000' },
    });
    // A limiter asked before Redis is connected lets the request through uncounted (fail open).
    await eventually(() => Promise.resolve(gateway.services.redis.status === 'ready'), 5_000, 'Redis connected');
  });
  after(async () => {
    await gateway.close();
  });

  it('counts each request once, also one the fast lane handed to Apollo, and refuses the one over the limit', async () => {
    const count = outcomes(gateway);
    // Handed to Apollo with the context the fast lane built: one count, not two.
    const refusedField = await post(gateway, { query: '{ user(id: "1") { email } }' });
    assert.match(refusedField.text, /requires the role personal/);
    for (let request = 0; request < 2; request += 1)
      assert.equal((await post(gateway, { query: '{ product(id: "1") { id } }' })).status, 200);
    assert.equal(count('served'), 2);
    const refused = await post(gateway, { query: '{ product(id: "1") { id } }' });
    assert.equal(refused.status, 429);
    assert.match(refused.text, /"code":"RATE_LIMITED"/);
    assert.ok(Number(refused.retryAfter) >= 1);
    assert.equal(count('context_failed'), 1);
    assert.equal(gateway.services.metrics.snapshot().rate_limit_store_unavailable, 0, 'every request was counted in Redis');
  });
});

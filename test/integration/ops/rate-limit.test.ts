import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TcpProxy } from '../../support/tcp-proxy.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { testConfig } from '../../support/gateway-harness.js';
import type { OpsGateway } from './ops-gateway.js';
import { eventually, startOpsGateway } from './ops-gateway.js';

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const apiKey = 'rate-limit-test-key-0123456789';

describe('per-client rate limit in Redis', () => {
  let first: OpsGateway;
  let second: OpsGateway;

  before(async () => {
    // Two instances sharing one Redis prefix: the budget is shared, as between production replicas.
    const shared = {
      REDIS_KEY_PREFIX: `it:rl:${randomBytes(4).toString('hex')}:`,
      RATE_LIMIT_REQUESTS: '4',
      RATE_LIMIT_WINDOW_MS: '60000',
      API_KEYS: `tester:${apiKey}:`,
    };
    first = await startOpsGateway({ env: shared });
    second = await startOpsGateway({ env: shared });
    // The budget is shared through Redis: until a client has connected, its instance counts in memory.
    for (const gateway of [first, second])
      await eventually(() => Promise.resolve(gateway.services.redis.status === 'ready'), 10_000, 'Redis connected');
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('holds across instances and refuses the request over the limit with 429, RATE_LIMITED and Retry-After', async () => {
    const query = '{ product(id: "1") { id } }';
    for (const gateway of [first, second, first, second]) assert.equal((await gateway.query(query)).status, 200);
    const refused = await first.query(query);
    assert.equal(refused.status, 429);
    assert.equal(codeOf(refused.body), 'RATE_LIMITED');
    assert.match(refused.body.errors?.[0]?.message ?? '', /rate limit of 4 requests per 60 s exceeded/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await second.query(query)).status, 429, 'the other instance refuses too');
    assert.ok(first.services.metrics.snapshot().rate_limit_rejections >= 1);
  });

  it('keys an authenticated client by its subject, not by its address', async () => {
    const response = await first.query('{ product(id: "1") { id } }', {}, { 'x-api-key': apiKey });
    assert.equal(response.status, 200, 'the API key has its own budget');
  });

  it('counts each operation of a batch against the budget', async () => {
    const batch = Array.from({ length: 5 }, () => ({ query: '{ product(id: "1") { id } }' }));
    const response = await fetch(second.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(batch),
    });
    assert.equal(response.status, 429);
  });
});

describe('rate limit windows', () => {
  let gateway: OpsGateway;
  const windowMs = 4_000;

  before(async () => {
    gateway = await startOpsGateway({
      env: {
        REDIS_KEY_PREFIX: `it:rw:${randomBytes(4).toString('hex')}:`,
        RATE_LIMIT_REQUESTS: '2',
        RATE_LIMIT_WINDOW_MS: String(windowMs),
      },
    });
    await eventually(() => Promise.resolve(gateway.services.redis.status === 'ready'), 10_000, 'Redis connected');
  });
  after(async () => {
    await gateway.close();
  });

  it('refuses until the Retry-After it announced has passed, even across a clock-aligned window boundary', async () => {
    const query = '{ product(id: "1") { id } }';
    // Start late in a clock-aligned window: a limiter counting in aligned windows would open again
    // at the boundary, about a second later, while its Retry-After still said four.
    const phase = Date.now() % windowMs;
    await new Promise((resolve) => setTimeout(resolve, (windowMs - 1_000 - phase + windowMs) % windowMs));
    for (let index = 0; index < 2; index += 1) assert.equal((await gateway.query(query)).status, 200);
    const refused = await gateway.query(query);
    assert.equal(refused.status, 429);
    const retryAfterS = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfterS >= 3 && retryAfterS <= 4, `Retry-After ${retryAfterS} s is the rest of the client's window`);
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const afterBoundary = await gateway.query(query);
    assert.equal(afterBoundary.status, 429, 'no fresh budget at the clock boundary: two more requests within 2 s would double the limit');
    await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1_000 - 1_800 + 300));
    assert.equal((await gateway.query(query)).status, 200, 'allowed again once the announced time passed');
  });
});

describe('failed authentication is rate-limited per address', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({
      env: {
        REDIS_KEY_PREFIX: `it:af:${randomBytes(4).toString('hex')}:`,
        API_KEYS: `tester:${apiKey}:`,
        AUTH_FAILURE_LIMIT: '3',
        AUTH_FAILURE_WINDOW_MS: '60000',
      },
    });
    await eventually(() => Promise.resolve(gateway.services.redis.status === 'ready'), 10_000, 'Redis connected');
  });
  after(async () => {
    await gateway.close();
  });

  it('answers 401 for the first AUTH_FAILURE_LIMIT wrong keys or tokens, then 429 with Retry-After, even for a valid key', async () => {
    const query = '{ product(id: "1") { id } }';
    const wrong: Record<string, string>[] = [
      { 'x-api-key': 'guess-0123456789abcdef' },
      { authorization: 'Bearer a.b.c' },
      { 'x-api-key': 'guess-fedcba9876543210' },
    ];
    for (const headers of wrong) assert.equal((await gateway.query(query, {}, headers)).status, 401);
    const blocked = await gateway.query(query, {}, { 'x-api-key': 'guess-another-one-1234' });
    assert.equal(blocked.status, 429);
    assert.equal(codeOf(blocked.body), 'RATE_LIMITED');
    assert.match(blocked.body.errors?.[0]?.message ?? '', /3 failed authentications per 60 s from this address/);
    assert.ok(Number(blocked.headers.get('retry-after')) > 50);
    assert.equal(
      (await gateway.query(query, {}, { 'x-api-key': apiKey })).status,
      429,
      'credentials from a guessing address are not checked at all',
    );
    assert.equal((await gateway.query(query)).status, 200, 'anonymous public reads are not affected');
  });
});

describe('rate limit while Redis is down', () => {
  let proxy: TcpProxy;
  let gateway: OpsGateway;

  before(async () => {
    proxy = await startTcpProxy(Number(new URL(testConfig().redis.url).port));
    gateway = await startOpsGateway({
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`, RATE_LIMIT_REQUESTS: '1', REDIS_COMMAND_TIMEOUT_MS: '100' },
    });
  });
  after(async () => {
    await gateway.close();
    await proxy.close();
  });

  it('keeps the limit with its in-memory insurance limiter, and says so in a metric', async () => {
    await proxy.cut();
    try {
      await eventually(() => Promise.resolve(gateway.services.redis.status !== 'ready'), 5_000, 'the Redis client noticed the cut');
      const before = gateway.services.metrics.snapshot().rate_limit_store_unavailable;
      const first = await gateway.query('{ product(id: "1") { id } }');
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.data, { product: { id: '1' } });
      const second = await gateway.query('{ product(id: "1") { id } }');
      assert.equal(second.status, 429, 'RATE_LIMIT_REQUESTS=1 holds while Redis is down');
      assert.equal(codeOf(second.body), 'RATE_LIMITED');
      assert.ok(gateway.services.metrics.snapshot().rate_limit_store_unavailable - before >= 2);
    } finally {
      await proxy.restore();
    }
  });
});

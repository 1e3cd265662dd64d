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
    const shared = { REDIS_KEY_PREFIX: `it:rl:${randomBytes(4).toString('hex')}:`, RATE_LIMIT_REQUESTS: '4', RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: `tester:${apiKey}:` };
    first = await startOpsGateway({ env: shared });
    second = await startOpsGateway({ env: shared });
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
    const response = await fetch(second.api.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(batch) });
    assert.equal(response.status, 429);
  });
});

describe('rate limit while Redis is down', () => {
  let proxy: TcpProxy;
  let gateway: OpsGateway;

  before(async () => {
    proxy = await startTcpProxy(Number(new URL(testConfig().redis.url).port));
    gateway = await startOpsGateway({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`, RATE_LIMIT_REQUESTS: '1', REDIS_COMMAND_TIMEOUT_MS: '100' } });
  });
  after(async () => {
    await gateway.close();
    await proxy.close();
  });

  it('fails open (requests go through) and counts every unchecked request', async () => {
    await proxy.cut();
    await eventually(() => Promise.resolve(gateway.services.redis.status !== 'ready'), 5_000, 'the Redis client noticed the cut');
    const before = gateway.services.metrics.snapshot().rate_limit_fail_open;
    for (let round = 0; round < 3; round += 1) {
      const response = await gateway.query('{ product(id: "1") { id } }');
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.data, { product: { id: '1' } });
    }
    assert.equal(gateway.services.metrics.snapshot().rate_limit_fail_open - before, 3);
    await proxy.restore();
  });
});

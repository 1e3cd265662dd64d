import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from '../../support/gateway-harness.js';
import type { TcpProxy } from '../../support/tcp-proxy.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import type { OpsGateway } from './ops-gateway.js';
import { capturedLogger, eventually, startOpsGateway } from './ops-gateway.js';

const apiKey = 'log-test-key-0123456789abcdef';

describe('structured request logs', () => {
  const log = capturedLogger('info');
  let proxy: TcpProxy;
  let gateway: OpsGateway;

  before(async () => {
    proxy = await startTcpProxy(Number(new URL(testConfig().redis.url).port));
    gateway = await startOpsGateway({
      logger: log.logger,
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`, REDIS_COMMAND_TIMEOUT_MS: '100', API_KEYS: `logger:${apiKey}:personal` },
    });
  });
  after(async () => {
    await proxy.restore().catch(() => undefined);
    await gateway.close();
    await proxy.close();
  });

  it('writes a JSON access line carrying the request id the client sent, and echoes it back', async () => {
    const response = await gateway.query('query LoggedProduct { product(id: "1") { id } }', {}, { 'x-request-id': 'it-request-0001' });
    assert.equal(response.headers.get('x-request-id'), 'it-request-0001');
    const line = log.lines().find((entry) => entry.requestId === 'it-request-0001' && entry.msg === 'request');
    assert.ok(line, log.text());
    assert.equal(line.path, '/graphql');
    assert.equal(line.status, 200);
    assert.equal(line.operation, 'LoggedProduct');
    assert.equal(typeof line.durationMs, 'number');
    assert.equal(line.level, 30);
  });

  it('gives every request an id of its own when the client sends none (or a malformed one)', async () => {
    const first = await gateway.query('{ product(id: "1") { id } }');
    const second = await gateway.query('{ product(id: "1") { id } }', {}, { 'x-request-id': 'bad id with spaces' });
    const [a, b] = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    assert.match(a ?? '', /^[0-9a-f-]{36}$/);
    assert.match(b ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

  it('puts the request id on every line logged while serving the request, not only the access line', async () => {
    await proxy.cut();
    try {
      // Only once the client saw the cut is the limiter's failure certain (not a race with the close).
      await eventually(() => Promise.resolve(gateway.services.redis.status !== 'ready'), 5_000, 'the Redis client noticed the cut');
      // The limiter warns at most once a second: an earlier slow Redis answer (a loaded machine) may
      // have used this second's warning on another request.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await gateway.query('{ product(id: "1") { id } }', {}, { 'x-request-id': 'it-request-0002' });
    } finally {
      await proxy.restore();
    }
    const lines = log.lines().filter((entry) => entry.requestId === 'it-request-0002');
    const messages = lines.map((entry) => entry.msg);
    assert.ok(messages.includes('rate limiter store (Redis) unavailable; counting in memory on this instance'), log.text());
    assert.ok(messages.includes('request'));
  });

  it('never logs credentials or personal data', async () => {
    const refused = await gateway.query(
      '{ user(id: "1") { email } }',
      { password: 'hunter2-secret' },
      { authorization: 'Bearer not.a.token' },
    );
    assert.equal(refused.status, 401);
    const withKey = await gateway.query('query Email { user(id: "1") { email } }', {}, { 'x-api-key': apiKey });
    const email = (withKey.body.data?.user as { email: string } | null)?.email;
    assert.ok(email?.includes('@'), 'the demo user has an email');
    const text = log.text();
    for (const secret of [apiKey, 'not.a.token', 'hunter2-secret', email ?? '@'])
      assert.ok(!text.includes(secret), `${secret} leaked into the log`);
  });

  it('follows the configured level: at warn, successful requests write nothing', async () => {
    const quiet = capturedLogger('warn');
    const warnGateway = await startOpsGateway({ logger: quiet.logger });
    try {
      await warnGateway.query('{ product(id: "1") { id } }');
      assert.equal(quiet.lines().filter((entry) => entry.msg === 'request').length, 0);
    } finally {
      await warnGateway.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumerStatus } from '../../../src/sync/cdc-consumer.js';
import { testConfig } from '../../support/gateway-harness.js';
import type { TcpProxy } from '../../support/tcp-proxy.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import type { OpsGateway } from './ops-gateway.js';
import { eventually, startOpsGateway } from './ops-gateway.js';

interface Readiness {
  status: string;
  dependencies: Record<string, { ok: boolean; latencyMs: number; error?: string; detail?: Record<string, unknown> }>;
}

/** Dependency details are an operator's: the key with that role. */
const operatorKey = 'readiness-operator-key-0123456789';
const portOf = (url: string) => Number(new URL(url).port);
const withPort = (url: string, port: number) => url.replace(`:${portOf(url)}`, `:${port}`);

describe('readiness follows the dependencies', { timeout: 120_000 }, () => {
  const proxies: Record<'mysql' | 'redis' | 'elasticsearch', TcpProxy> = {} as never;
  let gateway: OpsGateway;
  let consumer: ConsumerStatus = { joined: true, partitions: [], lastFreshnessMs: null };
  const readyz = async () => {
    const response = await fetch(`${gateway.origin}/readyz`, { headers: { 'x-api-key': operatorKey } });
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  before(async () => {
    const config = testConfig();
    proxies.mysql = await startTcpProxy(portOf(config.mysql.url));
    proxies.redis = await startTcpProxy(portOf(config.redis.url));
    proxies.elasticsearch = await startTcpProxy(portOf(config.elasticsearch.url));
    gateway = await startOpsGateway({
      env: {
        MYSQL_URL: withPort(config.mysql.url, proxies.mysql.port),
        REDIS_URL: withPort(config.redis.url, proxies.redis.port),
        ELASTICSEARCH_URL: withPort(config.elasticsearch.url, proxies.elasticsearch.port),
        MYSQL_CONNECT_TIMEOUT_MS: '500',
        REDIS_COMMAND_TIMEOUT_MS: '100',
        // Each probe here must see the state of that moment (the one-second cache has its own test).
        READINESS_CACHE_MS: '0',
        API_KEYS: `ops:${operatorKey}:operator`,
      },
      consumerStatus: () => consumer,
    });
  });
  after(async () => {
    for (const proxy of Object.values(proxies)) await proxy.restore().catch(() => undefined);
    await gateway.close();
    for (const proxy of Object.values(proxies)) await proxy.close();
  });

  it('is alive and ready with every dependency up, with per-dependency detail', async () => {
    assert.deepEqual(await (await fetch(`${gateway.origin}/healthz`)).json(), { status: 'ok' });
    await eventually(async () => (await readyz()).status === 200, 10_000, 'ready');
    const { body } = await readyz();
    assert.equal(body.status, 'ready');
    assert.deepEqual(Object.keys(body.dependencies).sort(), ['consumer', 'elasticsearch', 'mysql', 'redis']);
    for (const [name, result] of Object.entries(body.dependencies)) assert.equal(result.ok, true, name);
  });

  for (const dependency of ['mysql', 'redis', 'elasticsearch'] as const) {
    it(`goes red (503, naming ${dependency}) while ${dependency} is unreachable, stays alive, and green again when it returns`, async () => {
      await proxies[dependency].cut();
      try {
        const down = await readyz();
        assert.equal(down.status, 503);
        assert.equal(down.body.status, 'not ready');
        assert.equal(down.body.dependencies[dependency]?.ok, false);
        assert.ok((down.body.dependencies[dependency]?.error ?? '') !== '', 'the failure is described');
        for (const [name, result] of Object.entries(down.body.dependencies))
          if (name !== dependency) assert.equal(result.ok, true, `${name} stays green`);
        assert.equal((await fetch(`${gateway.origin}/healthz`)).status, 200, 'liveness does not depend on dependencies');
      } finally {
        await proxies[dependency].restore();
      }
      await eventually(async () => (await readyz()).status === 200, 15_000, `ready again after ${dependency} returned`);
    });
  }

  it('goes red while the CDC consumer is not a member of its group', async () => {
    consumer = { joined: false, partitions: [], lastFreshnessMs: null };
    const down = await readyz();
    assert.equal(down.status, 503);
    assert.equal(down.body.dependencies.consumer?.ok, false);
    assert.match(down.body.dependencies.consumer?.error ?? '', /consumer group/);
    consumer = {
      joined: true,
      partitions: [
        { topic: 't', partition: 0, lag: 3, lastAppliedOffset: '9', lastAppliedAtMs: Date.now(), lastFreshnessMs: 120, retrying: null },
      ],
      lastFreshnessMs: 120,
    };
    const up = await readyz();
    assert.equal(up.status, 200);
    assert.deepEqual(up.body.dependencies.consumer?.detail, { partitions: 1, lagMessages: 3, retrying: [] });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness, testConfig } from '../../support/gateway-harness.js';
import type { TcpProxy } from '../../support/tcp-proxy.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';

const portOf = (url: string) => Number(new URL(url).port);

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`not within ${timeoutMs} ms: ${what}`);
}

describe('reads when a dependency goes away', () => {
  let writer: Pool;
  let redisProxy: TcpProxy;
  let mysqlProxy: TcpProxy;
  let gateway: GatewayHarness;
  const productIds = [uniqueId(), uniqueId(), uniqueId()];

  before(async () => {
    writer = createWriterPool();
    for (const id of productIds) await insertProduct(writer, id);
    const config = testConfig();
    redisProxy = await startTcpProxy(portOf(config.redis.url));
    mysqlProxy = await startTcpProxy(portOf(config.mysql.url));
    gateway = await startHarness({
      env: {
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}/0`,
        MYSQL_URL: config.mysql.url.replace(`:${portOf(config.mysql.url)}/`, `:${mysqlProxy.port}/`),
        REDIS_COMMAND_TIMEOUT_MS: '100',
        MYSQL_CONNECT_TIMEOUT_MS: '500',
      },
    });
  });
  after(async () => {
    await redisProxy.restore().catch(() => undefined);
    await execute(writer, `DELETE FROM products WHERE id IN (?, ?, ?)`, productIds);
    await writer.end();
    await gateway.close();
    await redisProxy.close();
    await mysqlProxy.close();
  });

  const readAll = () => gateway.query(`{ products(ids: [${productIds.map((id) => `"${id}"`).join(',')}]) { id name price } }`);

  it('keeps answering correctly from MySQL while Redis is down, counts the bypass, and uses the cache again when Redis returns', async () => {
    const warm = await readAll();
    assert.equal((warm.body.data?.products as unknown[]).length, 3);
    const bypassesBefore = gateway.services.metrics.snapshot().cache_bypasses;

    await redisProxy.cut();
    for (let round = 0; round < 5; round += 1) {
      const response = await readAll();
      assert.equal(response.text, warm.text, 'same answer without the cache');
    }
    assert.ok(gateway.services.metrics.snapshot().cache_bypasses > bypassesBefore, 'bypasses were counted');

    await redisProxy.restore();
    await eventually(
      async () => {
        const hitsBefore = gateway.services.metrics.snapshot().cache_hits;
        const response = await readAll();
        return response.text === warm.text && gateway.services.metrics.snapshot().cache_hits > hitsBefore;
      },
      10_000,
      'reads are cache hits again',
    );
  });

  it('answers DATABASE_UNAVAILABLE while MySQL is down, without crashing, and recovers by itself', async () => {
    await gateway.clearCache();
    await mysqlProxy.cut();
    const down = await gateway.query(`{ product(id: "${productIds[0]}") { id } }`);
    assert.equal(down.body.errors?.[0]?.extensions?.code, 'DATABASE_UNAVAILABLE');
    assert.doesNotMatch(down.text, /127\.0\.0\.1|ECONNREFUSED|SELECT/, 'no internals leak');

    await mysqlProxy.restore();
    await eventually(
      async () => {
        const response = await gateway.query(`{ product(id: "${productIds[0]}") { id } }`);
        return (response.body.data?.product as { id?: string } | null)?.id === String(productIds[0]);
      },
      10_000,
      'reads succeed again',
    );
  });
});

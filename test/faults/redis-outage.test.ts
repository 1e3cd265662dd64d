import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStackRunning, killService, restoreStack, startService } from './support/fault-stack.js';
import type { FaultWorld } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { startReadLoad } from './support/read-load.js';
import { recordCase } from './support/reliability-figures.js';
import { createFaultProducts, faultIdBlock, startWriteLoad } from './support/write-load.js';

const readers = 16;

describe('fault: Redis killed during read load', () => {
  let world: FaultWorld;
  let ids: number[];

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('redis');
    ids = await createFaultProducts(world.writer, 300, faultIdBlock());
    world.trackProductIds(ids);
    await world.startConsumer();
    await world.waitForCatchUp();
  });
  after(async () => {
    await restoreStack();
    await world?.close();
  });

  it(
    'keeps answering from MySQL while Redis is dead, fails at most the requests in flight at the kill, and uses the cache again once Redis is back',
    { timeout: 600_000 },
    async () => {
      const began = Date.now();
      const { redis, config } = world.gateway.services;
      // Reads hit the case's own rows and demo rows; two writers keep the consumer busy throughout.
      const readIds = [...ids, ...Array.from({ length: 200 }, (_, index) => index + 1)];
      const reads = startReadLoad({ url: world.gateway.api.url, ids: readIds, concurrency: readers });
      const writes = startWriteLoad({ writer: world.writer, ids, writers: 2, pauseMs: 20 });
      await sleep(10_000);
      const beforeKill = reads.completed();
      const killedAt = Date.now();
      await killService('redis');
      await sleep(20_000);
      const duringOutage = reads.completed() - beforeKill;
      const restartMs = await startService('redis');
      const backAt = Date.now();
      await sleep(15_000);
      const readFigures = await reads.stop();
      const writeFigures = await writes.stop();
      const failedAfterKill = readFigures.failures.filter((failure) => failure.atMs >= killedAt).length;
      const failedAfterReturn = readFigures.failures.filter((failure) => failure.atMs >= backAt + 2_000).length;

      // The cache was emptied by the kill (no persistence): entries under our prefix prove it is used again.
      let cachedAfterReturn = 0;
      for (let attempt = 0; attempt < 50 && cachedAfterReturn === 0; attempt += 1) {
        cachedAfterReturn = (await redis.keys(`${config.redis.keyPrefix}products:*`)).length;
        if (cachedAfterReturn === 0) await sleep(200);
      }
      const catchUpMs = await world.waitForCatchUp();
      const { problems } = await world.check();
      const passed =
        readFigures.failed <= readers && failedAfterReturn === 0 && duringOutage > 0 && cachedAfterReturn > 0 && problems === 0;
      recordCase(
        {
          id: 'redis-killed',
          title: 'Redis killed (SIGKILL) during read load',
          faults: 'redis-server SIGKILLed after 10 s of load, restarted 20 s later through the stack control',
          load: `${readers} closed-loop GraphQL readers over ${readIds.length} products, 2 writers on ${ids.length} products`,
          inputs: { requests: readFigures.sent, writes: writeFigures.committed, redisKills: 1 },
          outcome: {
            failedRequests: readFigures.failed,
            failedAfterKill,
            requestsServedWhileRedisDead: duringOutage,
            redisRestartMs: restartMs,
            failedOnceRedisBack: failedAfterReturn,
            cacheEntriesAfterReturn: cachedAfterReturn,
            consumerCatchUpMs: catchUpMs,
            p99Ms: readFigures.p99Ms,
          },
          problems,
          passed,
        },
        began,
      );
      assert.ok(duringOutage > 0, 'reads continued while Redis was dead');
      assert.ok(
        readFigures.failed <= readers,
        `at most the ${readers} requests in flight at the kill failed, got ${readFigures.failed}: ${JSON.stringify(readFigures.failures.slice(0, 5))}`,
      );
      assert.equal(failedAfterReturn, 0, 'no failure once Redis is back');
      assert.ok(cachedAfterReturn > 0, 'reads fill the cache again after Redis returned');
      assert.equal(problems, 0, 'check finds no problem');
    },
  );
});

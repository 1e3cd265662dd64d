import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../src/stack/stack-context.js';
import { assertStackRunning, restoreStack, startService, stopService } from './support/fault-stack.js';
import type { FaultWorld } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { recordCase } from './support/reliability-figures.js';
import { execute } from '../support/writer.js';
import { productEntity } from '../../src/schema/product.type.js';
import { searchAlias } from '../../src/index/index-manager.js';
import { createFaultProducts, faultIdBlock, startWriteLoad } from './support/write-load.js';

const restarts: readonly { service: ServiceName; title: string }[] = [
  { service: 'kafka', title: 'Kafka broker restarted during writes' },
  { service: 'mariadb', title: 'MariaDB restarted during writes' },
  { service: 'connect', title: 'Kafka Connect (Debezium) restarted during writes' },
];

/** Long enough for Debezium's binlog keep-alive (60 s by default) to notice a dead connection. */
const sentinelTimeoutMs = 180_000;

/** How long until the product's document carries `name`, or null when it never does in time. */
async function waitForSentinel(world: FaultWorld, id: number, name: string, timeoutMs: number): Promise<number | null> {
  const { search, config } = world.gateway.services;
  const index = searchAlias(config.elasticsearch.indexPrefix, productEntity.search);
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    const document = await search.get<{ name?: string }>({ index, id: String(id) }).catch(() => null);
    if (document?._source?.name === name) return Date.now() - began;
    await sleep(250);
  }
  return null;
}

describe('fault: a stack service restarted during writes', () => {
  let world: FaultWorld;
  let ids: number[];

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('restarts');
    ids = await createFaultProducts(world.writer, 300, faultIdBlock());
    world.trackProductIds(ids);
    await world.startConsumer();
    await world.waitForCatchUp();
  });
  after(async () => {
    await restoreStack();
    await world?.close();
  });

  for (const { service, title } of restarts) {
    it(`leaves no gap when ${service} is restarted while changes are written`, { timeout: 900_000 }, async () => {
      const began = Date.now();
      const writes = startWriteLoad({ writer: world.writer, ids, writers: 3, pauseMs: 10, churn: true });
      await sleep(8_000);
      await stopService(service);
      await sleep(5_000);
      const restartMs = await startService(service);
      await sleep(10_000);
      const writeFigures = await writes.stop();
      // A consumer that committed everything in Kafka proves nothing if the CDC tool stopped
      // publishing: a sentinel written after the restart must reach the index, end to end.
      const sentinel = `sentinel after ${service} restart ${Date.now()}`;
      await execute(world.writer, 'UPDATE products SET name = ? WHERE id = ?', [sentinel, ids[0]!]);
      const streamResumedMs = await waitForSentinel(world, ids[0]!, sentinel, sentinelTimeoutMs);
      const catchUpMs = await world.waitForCatchUp(undefined, 600_000);
      const { problems } = await world.check();
      recordCase(
        {
          id: `restart-${service}`,
          title,
          faults: `${service} stopped (SIGTERM) 8 s into the writes, started again 5 s later through the stack control`,
          load: `3 writers updating, deleting and re-inserting ${ids.length} products`,
          inputs: { committedChanges: writeFigures.committed, failedStatementsRetried: writeFigures.failed, restarts: 1 },
          outcome: {
            serviceStartMs: restartMs,
            sentinelVisibleAfterWritesStoppedMs: streamResumedMs ?? `not within ${sentinelTimeoutMs / 1000} s`,
            catchUpMs,
          },
          problems,
          passed: streamResumedMs !== null && problems === 0,
        },
        began,
      );
      assert.ok(
        streamResumedMs !== null,
        `a change written after the ${service} restart reached Elasticsearch within ${sentinelTimeoutMs / 1000} s`,
      );
      assert.equal(problems, 0, 'check finds no problem');
    });
  }
});

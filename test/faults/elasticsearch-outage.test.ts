import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStackRunning, restoreStack, startService, stopService } from './support/fault-stack.js';
import type { FaultWorld } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { recordCase } from './support/reliability-figures.js';
import { createFaultProducts, faultIdBlock, startWriteLoad } from './support/write-load.js';

const outageSeconds = 60;

describe('fault: Elasticsearch stopped during writes', () => {
  let world: FaultWorld;
  let ids: number[];

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('es');
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
    `pauses the consumer for the ${outageSeconds} s Elasticsearch is down, then catches up without losing a change`,
    { timeout: 900_000 },
    async () => {
      const began = Date.now();
      const writes = startWriteLoad({ writer: world.writer, ids, writers: 4, pauseMs: 20, churn: true });
      await sleep(10_000);
      await stopService('elasticsearch');
      const stoppedAt = Date.now();
      const writesAtStop = writes.committed();
      let sawRetrying = false;
      while (Date.now() - stoppedAt < outageSeconds * 1000) {
        sawRetrying ||= (world.consumer()?.status().partitions ?? []).some((partition) => partition.retrying !== null);
        await sleep(500);
      }
      const writesDuringOutage = writes.committed() - writesAtStop;
      const restartMs = await startService('elasticsearch');
      await sleep(10_000);
      const writeFigures = await writes.stop();
      const catchUpMs = await world.waitForCatchUp();
      const { problems } = await world.check();
      recordCase(
        {
          id: 'elasticsearch-stopped',
          title: `Elasticsearch stopped for ${outageSeconds} s during writes`,
          faults: `Elasticsearch stopped (SIGTERM) for ${outageSeconds} s, then started again through the stack control (its start took ${Math.round(restartMs / 1000)} s more)`,
          load: `4 writers updating, deleting and re-inserting ${ids.length} products without pause`,
          inputs: { committedChanges: writeFigures.committed, changesWhileStopped: writesDuringOutage },
          outcome: {
            consumerPausedOnRetry: sawRetrying ? 'yes' : 'no',
            elasticsearchRestartMs: restartMs,
            catchUpAfterWritesStoppedMs: catchUpMs,
          },
          problems,
          passed: sawRetrying && problems === 0,
        },
        began,
      );
      assert.ok(writesDuringOutage > 0, 'writes went on during the outage');
      assert.ok(sawRetrying, 'the consumer held its partitions in retry while Elasticsearch was down');
      assert.equal(problems, 0, 'check finds no problem');
    },
  );
});

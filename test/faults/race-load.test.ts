import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStackRunning, restoreStack } from './support/fault-stack.js';
import type { FaultWorld } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { startReadLoad } from './support/read-load.js';
import { recordCase } from './support/reliability-figures.js';
import { createFaultProducts, faultIdBlock, startWriteLoad } from './support/write-load.js';

const writers = 8;
const readers = 32;
const hotRows = 100;
const seconds = 60;

describe('race load: writers and readers on a hot set', () => {
  let world: FaultWorld;
  let ids: number[];

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('race');
    ids = await createFaultProducts(world.writer, hotRows, faultIdBlock());
    world.trackProductIds(ids);
    await world.startConsumer();
    await world.waitForCatchUp();
  });
  after(async () => {
    await restoreStack();
    await world?.close();
  });

  it(
    `leaves zero stale entries after ${writers} writers and ${readers} readers raced on ${hotRows} rows for ${seconds} s`,
    { timeout: 900_000 },
    async () => {
      const began = Date.now();
      const reads = startReadLoad({ url: world.gateway.api.url, ids, concurrency: readers });
      const writes = startWriteLoad({ writer: world.writer, ids, writers, churn: true });
      await sleep(seconds * 1000);
      const [readFigures, writeFigures] = await Promise.all([reads.stop(), writes.stop()]);
      const catchUpMs = await world.waitForCatchUp();
      const { problems } = await world.check();
      recordCase(
        {
          id: 'race-load',
          title: `Race load: ${writers} writers, ${readers} readers, ${hotRows} hot rows, ${seconds} s`,
          faults: 'none injected: the read path and the CDC applier race for the same keys (leases, fills, versioned writes, tombstones)',
          load: `${writers} writers without pause (updates, deletes + re-inserts), ${readers} closed-loop GraphQL readers, on ${hotRows} rows`,
          inputs: { reads: readFigures.sent, committedChanges: writeFigures.committed },
          outcome: {
            readsPerSecond: Math.round(readFigures.sent / (readFigures.elapsedMs / 1000)),
            changesPerSecond: Math.round(writeFigures.committed / (writeFigures.elapsedMs / 1000)),
            failedReads: readFigures.failed,
            readP99Ms: readFigures.p99Ms,
            catchUpAfterQuiesceMs: catchUpMs,
          },
          problems,
          passed: problems === 0 && readFigures.failed === 0,
        },
        began,
      );
      assert.equal(readFigures.failed, 0, `no read failed: ${JSON.stringify(readFigures.failures.slice(0, 5))}`);
      assert.equal(problems, 0, 'zero stale, missing or resurrected entries in Redis and Elasticsearch');
    },
  );
});

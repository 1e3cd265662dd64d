import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStackRunning, restoreStack } from './support/fault-stack.js';
import type { FaultWorld, StoreScope } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { startReadLoad } from './support/read-load.js';
import { recordCase } from './support/reliability-figures.js';
import type { SyncProcess } from './support/sync-process.js';
import { spawnSyncProcess, startScript } from './support/sync-process.js';
import { createFaultProducts, faultIdBlock, startWriteLoad } from './support/write-load.js';

/** `npm run test:faults -- --soak` sets 600; the default run holds a shorter soak. */
const soakSeconds = Number(process.env.SOAK_SECONDS ?? '90');
const peakSeconds = 15;
/**
 * Within a couple of minutes V8 is still growing its heap to the load's working set, so RSS growth
 * says nothing about leaks: the short soak records it, the long one (5 minutes or more) judges it.
 */
const judgesMemory = soakSeconds >= 300;
const concurrency = 16;

/** V8 heap in use, from the process's own /metrics (prom-client's default metrics), to tell a leak from GC slack. */
async function heapUsedMiB(origin: string): Promise<number | null> {
  const text = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) => response.text(),
    () => '',
  );
  const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  return match === null ? null : Math.round(Number(match[1]) / 2 ** 20);
}

describe(`soak: ${soakSeconds} s at about 70% of peak throughput with writes flowing`, () => {
  let world: FaultWorld;
  let scope: StoreScope;
  let gateway: SyncProcess | null = null;
  let ids: number[];

  before(async () => {
    assert.ok(
      Number.isInteger(soakSeconds) && soakSeconds >= 30,
      `SOAK_SECONDS must be an integer of at least 30, got ${process.env.SOAK_SECONDS}`,
    );
    await assertStackRunning();
    world = await openFaultWorld('soak');
    scope = world.childScope('soak');
    await world.skipHistory(scope.groupId);
    ids = await createFaultProducts(world.writer, 200, faultIdBlock());
    world.trackProductIds(ids);
  });
  after(async () => {
    await gateway?.kill('SIGTERM');
    await restoreStack();
    await world?.close();
  });

  it(
    judgesMemory
      ? 'serves without an error and keeps its RSS growth under 10%'
      : 'serves without an error (RSS growth recorded, judged by the long soak)',
    { timeout: (soakSeconds + 900) * 1000 },
    async () => {
      const began = Date.now();
      gateway = await spawnSyncProcess(scope, { script: startScript, args: ['--no-stack'], env: { RATE_LIMIT_REQUESTS: '0' } });
      await world.waitForCatchUp(scope.groupId);
      const url = `${gateway.origin}/graphql`;
      const readIds = [...ids, ...Array.from({ length: 2000 }, (_, index) => index + 1)];

      const peak = startReadLoad({ url, ids: readIds, concurrency });
      await sleep(peakSeconds * 1000);
      const peakFigures = await peak.stop();
      const peakRps = peakFigures.sent / (peakFigures.elapsedMs / 1000);
      const targetRps = Math.max(1, Math.round(peakRps * 0.7));

      const reads = startReadLoad({ url, ids: readIds, concurrency, targetRps });
      const writes = startWriteLoad({ writer: world.writer, ids, writers: 2, pauseMs: 50, churn: true });
      const samples: { atSeconds: number; rssKiB: number; heapUsedMiB: number | null }[] = [];
      const soakBegan = Date.now();
      while (Date.now() - soakBegan < soakSeconds * 1000) {
        const rss = gateway.rssKiB();
        assert.ok(rss !== null, `the gateway process died: ${gateway.output()}`);
        samples.push({
          atSeconds: Math.round((Date.now() - soakBegan) / 1000),
          rssKiB: rss,
          heapUsedMiB: await heapUsedMiB(gateway.origin),
        });
        await sleep(5_000);
      }
      const [readFigures, writeFigures] = await Promise.all([reads.stop(), writes.stop()]);
      const catchUpMs = await world.waitForCatchUp(scope.groupId);
      const { problems } = await world.check(scope);

      // Growth is judged after the warm-up (JIT, pools, caches filling): the first fifth of the soak.
      const warmUpEnd = samples.find((sample) => sample.atSeconds >= Math.max(10, soakSeconds / 5)) ?? samples[0]!;
      const tail = samples.slice(-3);
      const finalRss = tail.reduce((sum, sample) => sum + sample.rssKiB, 0) / tail.length;
      const growthPercent = Math.round(((finalRss - warmUpEnd.rssKiB) / warmUpEnd.rssKiB) * 1000) / 10;
      const achievedRps = Math.round(readFigures.sent / (readFigures.elapsedMs / 1000));
      const long = soakSeconds >= 600;
      recordCase(
        {
          id: long ? 'soak-long' : 'soak-short',
          title: `Soak, ${soakSeconds} s (${long ? 'the 10-minute run' : 'the short run of every test:faults'})`,
          faults: 'none injected: sustained load on one full gateway process (API + consumer)',
          load: `${achievedRps} GraphQL reads/s (target ${targetRps}/s = 70% of the measured peak ${Math.round(peakRps)}/s, ${concurrency} workers) and 2 writers, for ${soakSeconds} s`,
          inputs: { reads: readFigures.sent, committedChanges: writeFigures.committed, seconds: soakSeconds },
          outcome: {
            failedReads: readFigures.failed,
            readP50Ms: readFigures.p50Ms,
            readP99Ms: readFigures.p99Ms,
            rssAfterWarmUpMiB: Math.round(warmUpEnd.rssKiB / 1024),
            rssAtEndMiB: Math.round(finalRss / 1024),
            rssGrowthPercent: growthPercent,
            heapUsedAfterWarmUpMiB: warmUpEnd.heapUsedMiB ?? 'not exposed',
            heapUsedAtEndMiB: samples.at(-1)?.heapUsedMiB ?? 'not exposed',
            catchUpMs,
          },
          problems,
          passed: readFigures.failed === 0 && (!judgesMemory || growthPercent < 10) && problems === 0,
        },
        began,
      );
      assert.equal(readFigures.failed, 0, `no request failed: ${JSON.stringify(readFigures.failures.slice(0, 5))}`);
      if (judgesMemory) assert.ok(growthPercent < 10, `RSS grew ${growthPercent}% after warm-up (${JSON.stringify(samples)})`);
      assert.equal(problems, 0, 'check finds no problem');
    },
  );
});

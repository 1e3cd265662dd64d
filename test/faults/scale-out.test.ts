import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeChangeBurst } from './support/change-burst.js';
import { assertStackRunning, restoreStack } from './support/fault-stack.js';
import type { FaultWorld, StoreScope } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { recordCase } from './support/reliability-figures.js';
import type { SyncProcess } from './support/sync-process.js';
import { spawnSyncProcess } from './support/sync-process.js';
import { faultIdBlock } from './support/write-load.js';

const burstChanges = 8_000;

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const began = Date.now();
  while (!(await probe())) {
    if (Date.now() - began > timeoutMs) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await sleep(250);
  }
  return Date.now() - began;
}

describe('scale-out: two consumer processes in one group', () => {
  let world: FaultWorld;
  let scope: StoreScope;
  const processes: SyncProcess[] = [];

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('scale');
    scope = world.childScope('pair');
    await world.skipHistory(scope.groupId);
  });
  after(async () => {
    for (const process of processes) await process.kill('SIGTERM');
    await restoreStack();
    await world?.close();
  });

  it(
    'moves every partition to the survivor when one process is SIGKILLed mid-burst, and loses or regresses nothing',
    { timeout: 1_200_000 },
    async () => {
      const began = Date.now();
      const topics = (await world.admin.listTopics()).filter((topic) => world.topicPattern.test(topic));
      const metadata = await world.admin.fetchTopicMetadata({ topics });
      const totalPartitions = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
      assert.ok(
        metadata.topics.some((topic) => topic.partitions.length > 1),
        'the CDC topics have several partitions',
      );

      const first = await spawnSyncProcess(scope);
      processes.push(first);
      const second = await spawnSyncProcess(scope);
      processes.push(second);
      const held = async (process: SyncProcess) => (await process.consumerDetail())?.partitions ?? 0;
      const splitMs = await waitUntil(
        async () => {
          const [a, b] = [await held(first), await held(second)];
          return a > 0 && b > 0 && a + b === totalPartitions;
        },
        120_000,
        'both processes hold a share of the partitions',
      );
      const [firstShare, secondShare] = [await held(first), await held(second)];
      await world.waitForCatchUp(scope.groupId);

      const burst = writeChangeBurst(world.writer, { firstId: faultIdBlock(), changes: burstChanges, durationMs: 40_000 });
      world.trackProductIds(burst.ids);
      await sleep(8_000 + Math.random() * 8_000);
      const killedAt = Date.now();
      await first.kill('SIGKILL');
      const takeoverMs = await waitUntil(
        async () => (await held(second)) === totalPartitions,
        180_000,
        'the survivor holds every partition',
      );
      const written = await burst.done;
      const catchUpMs = await world.waitForCatchUp(scope.groupId, 600_000);
      const { problems } = await world.check(scope);
      recordCase(
        {
          id: 'scale-out',
          title: 'Scale-out: two consumer processes in one group, one SIGKILLed mid-burst',
          faults: `one of two node sync.js processes of the same group SIGKILLed ${Math.round((killedAt - burst.startedAt) / 1000)} s into the burst`,
          load: `${written.changes.toLocaleString('en-US')} row changes in ${Math.round(written.elapsedMs / 1000)} s over ${totalPartitions} partitions of ${topics.length} topics`,
          inputs: { rowChanges: written.changes, processes: 2, kills: 1 },
          outcome: {
            partitionsSplit: `${firstShare} + ${secondShare}`,
            splitAfterMs: splitMs,
            survivorHeldAllAfterMs: takeoverMs,
            catchUpMs,
          },
          problems,
          passed: problems === 0,
        },
        began,
      );
      assert.equal(problems, 0, 'check finds nothing lost or regressed');
    },
  );
});

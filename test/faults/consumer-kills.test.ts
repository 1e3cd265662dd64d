import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStackRunning, restoreStack } from './support/fault-stack.js';
import type { FaultWorld, StoreScope } from './support/fault-world.js';
import { openFaultWorld } from './support/fault-world.js';
import { recordCase } from './support/reliability-figures.js';
import type { SyncProcess } from './support/sync-process.js';
import { spawnSyncProcess } from './support/sync-process.js';
import { writeChangeBurst } from './support/change-burst.js';
import { groupLag } from './support/group-lag.js';
import { faultIdBlock } from './support/write-load.js';

const kills = 5;
const burstChanges = 20_000;

describe('fault: the consumer SIGKILLed during a write burst', () => {
  let world: FaultWorld;
  let scope: StoreScope;
  let consumer: SyncProcess | null = null;

  before(async () => {
    await assertStackRunning();
    world = await openFaultWorld('kills');
    scope = world.childScope('killed');
    await world.skipHistory(scope.groupId);
  });
  after(async () => {
    await consumer?.kill('SIGTERM');
    await restoreStack();
    await world?.close();
  });

  it(
    `ends equal to MySQL after ${kills} SIGKILLs at random points of a ${burstChanges.toLocaleString('en-US')}-change burst`,
    { timeout: 1_800_000 },
    async () => {
      const began = Date.now();
      consumer = await spawnSyncProcess(scope);
      await world.waitForCatchUp(scope.groupId);
      // Paced to outlast all the kills: each cycle is a few seconds of consuming plus the replacement's
      // rejoin (the dead member's 30 s session), about 35 s, so five take ~3 minutes. A burst that ended
      // earlier would let a fast consumer catch up and the later kills interrupt nothing.
      const burst = writeChangeBurst(world.writer, { firstId: faultIdBlock(), changes: burstChanges, durationMs: 240_000 });
      world.trackProductIds(burst.ids);
      const killPoints: number[] = [];
      const lagsAtKill: number[] = [];
      for (let kill = 0; kill < kills; kill += 1) {
        // A random moment 1-4 s into the replacement's consuming: rejoining after a SIGKILL waits out
        // the dead member's session (30 s), so the backlog the burst built up outlasts every kill.
        await sleep(1_000 + Math.random() * 3_000);
        // A fast consumer applies each slice of the burst within milliseconds and commits within a
        // second: kill inside such a window (changes fetched, not yet committed), or the kill would
        // interrupt nothing and prove nothing.
        const windowOpened = Date.now();
        while ((await groupLag(world.admin, scope.groupId, world.topicPattern)) === 0 && Date.now() - windowOpened < 30_000)
          await sleep(20);
        killPoints.push(Math.round((Date.now() - burst.startedAt) / 100) / 10);
        await consumer.kill('SIGKILL');
        lagsAtKill.push(await groupLag(world.admin, scope.groupId, world.topicPattern));
        consumer = await spawnSyncProcess(scope);
      }
      const written = await burst.done;
      const catchUpMs = await world.waitForCatchUp(scope.groupId, 600_000);
      const { problems } = await world.check(scope);
      recordCase(
        {
          id: 'consumer-sigkill',
          title: `Consumer SIGKILLed ${kills} times during a ${burstChanges.toLocaleString('en-US')}-change burst`,
          faults: `the consumer process (node sync.js) SIGKILLed ${kills} times at random points, restarted each time`,
          load: `${written.changes.toLocaleString('en-US')} row changes (inserts, updates, deletes) written in ${Math.round(written.elapsedMs / 1000)} s`,
          inputs: {
            rowChanges: written.changes,
            statements: written.statements,
            kills,
            killPointsSecondsIntoBurst: killPoints.join(', '),
            uncommittedMessagesAtEachKill: lagsAtKill.join(', '),
          },
          outcome: { catchUpAfterLastRestartMs: catchUpMs },
          problems,
          passed: problems === 0,
        },
        began,
      );
      assert.equal(written.changes, burstChanges);
      assert.ok(
        lagsAtKill.every((lag) => lag > 0),
        `every kill left work undone (uncommitted messages: ${lagsAtKill.join(', ')})`,
      );
      assert.equal(problems, 0, 'check finds no problem');
    },
  );
});

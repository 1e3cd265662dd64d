import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import type { FetchedBatch } from '../../../src/sync/partition-intake.js';
import { createPartitionIntake } from '../../../src/sync/partition-intake.js';
import { RetryAborted } from '../../../src/retry-backoff.js';

const batchOf = (count: number, from = 0): FetchedBatch => ({
  messages: Array.from({ length: count }, (_, index) => ({ offset: String(from + index) }) as KafkaMessage),
  fetchedAtMs: 0,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A process step the test releases by hand: the intake's drain is held at a point of the test's choosing. */
function gatedProcess() {
  const seen: string[] = [];
  const releases: (() => void)[] = [];
  const process = (batch: FetchedBatch) => {
    seen.push(batch.messages[0]?.offset ?? '');
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    for (let tries = 0; releases.length === 0 && tries < 100; tries += 1) await tick();
    releases.shift()?.();
    await tick();
  };
  return { seen, process, releaseNext };
}

describe('partition intake', () => {
  it('prepares batches one at a time, in fetch order', async () => {
    const gate = gatedProcess();
    const intake = createPartitionIntake({ capacity: 100, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(10, 0));
    intake.push(batchOf(10, 10));
    intake.push(batchOf(10, 20));
    await gate.releaseNext();
    await gate.releaseNext();
    await gate.releaseNext();
    assert.deepEqual(gate.seen, ['0', '10', '20']);
    assert.equal(intake.held, 0);
  });

  it('has room within its capacity; over it, room only once drained to half', async () => {
    const gate = gatedProcess();
    const intake = createPartitionIntake({ capacity: 100, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(60, 0));
    await intake.waitForRoom(new AbortController().signal);
    intake.push(batchOf(60, 60));
    intake.push(batchOf(30, 120));
    let roomy = false;
    const waiting = intake.waitForRoom(new AbortController().signal).then(() => (roomy = true));
    await gate.releaseNext();
    assert.equal(roomy, false, '90 held: above half');
    await gate.releaseNext();
    await waiting;
    assert.equal(roomy, true, '30 held: room');
    assert.equal(intake.held, 30);
  });

  it('on retire drops what it holds and wakes a waiter with RetryAborted', async () => {
    const gate = gatedProcess();
    const intake = createPartitionIntake({ capacity: 10, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(20, 0));
    intake.push(batchOf(20, 20));
    const waiting = intake.waitForRoom(new AbortController().signal);
    intake.retire();
    await assert.rejects(waiting, RetryAborted);
    assert.equal(intake.held, 0);
    await gate.releaseNext();
    assert.deepEqual(gate.seen, ['0'], 'the queued batch was dropped, never prepared');
    intake.push(batchOf(5, 40));
    assert.equal(intake.held, 0, 'a retired intake takes nothing');
  });

  it('reports a failure of its process instead of swallowing it, and lets a waiter go', async () => {
    const intake = createPartitionIntake({
      capacity: 1,
      signal: new AbortController().signal,
      process: () => Promise.reject(new Error('boom')),
    });
    intake.push(batchOf(5));
    await intake.waitForRoom(new AbortController().signal);
    await tick();
    assert.match(String(intake.failure), /boom/);
  });
});

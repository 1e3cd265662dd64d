import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import type { FetchedBatch } from '../../../src/sync/partition-intake.js';
import { createPartitionIntake } from '../../../src/sync/partition-intake.js';

const batchOf = (count: number, from = 0): FetchedBatch => ({
  messages: Array.from({ length: count }, (_, index) => ({ offset: String(from + index) }) as KafkaMessage),
  fetchedAtMs: 0,
});

/** A process step the test releases by hand: the intake's drain is held at a point of the test's choosing. */
function gatedProcess() {
  const seen: string[] = [];
  const releases: (() => void)[] = [];
  const process = (batch: FetchedBatch) => {
    seen.push(batch.messages[0]?.offset ?? '');
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    for (let tries = 0; releases.length === 0 && tries < 100; tries += 1) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { seen, process, releaseNext };
}

describe('partition intake', () => {
  it('prepares batches one at a time, in fetch order', async () => {
    const gate = gatedProcess();
    const intake = createPartitionIntake({ capacity: 100, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(10, 0), () => () => undefined);
    intake.push(batchOf(10, 10), () => () => undefined);
    intake.push(batchOf(10, 20), () => () => undefined);
    await gate.releaseNext();
    await gate.releaseNext();
    await gate.releaseNext();
    assert.deepEqual(gate.seen, ['0', '10', '20']);
    assert.equal(intake.held, 0);
  });

  it('pauses the partition past its capacity and resumes it once drained to half', async () => {
    const gate = gatedProcess();
    let paused = 0;
    let resumed = 0;
    const pause = () => ((paused += 1), () => (resumed += 1));
    const intake = createPartitionIntake({ capacity: 100, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(60, 0), pause);
    assert.equal(paused, 0, 'within capacity');
    intake.push(batchOf(60, 60), pause);
    intake.push(batchOf(30, 120), pause);
    assert.equal(paused, 1, 'paused once, however many batches arrive over capacity');
    assert.equal(intake.held, 150);
    await gate.releaseNext();
    assert.equal(resumed, 0, '90 held: above half');
    await gate.releaseNext();
    assert.equal(resumed, 1, '30 held: resumed');
    assert.equal(intake.held, 30);
  });

  it('on retire drops what it holds and resumes a paused partition', async () => {
    const gate = gatedProcess();
    let resumed = 0;
    const intake = createPartitionIntake({ capacity: 10, signal: new AbortController().signal, process: gate.process });
    intake.push(batchOf(20, 0), () => () => (resumed += 1));
    intake.push(batchOf(20, 20), () => () => (resumed += 1));
    intake.retire();
    assert.equal(resumed, 1);
    assert.equal(intake.held, 0);
    await gate.releaseNext();
    assert.deepEqual(gate.seen, ['0'], 'the queued batch was dropped, never prepared');
    intake.push(batchOf(5, 40), () => () => undefined);
    assert.equal(intake.held, 0, 'a retired intake takes nothing');
  });

  it('reports a failure of its process instead of swallowing it', async () => {
    const intake = createPartitionIntake({
      capacity: 10,
      signal: new AbortController().signal,
      process: () => Promise.reject(new Error('boom')),
    });
    intake.push(batchOf(1), () => () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(String(intake.failure), /boom/);
  });
});

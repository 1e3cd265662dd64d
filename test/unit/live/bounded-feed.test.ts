import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeedItem } from '../../../src/live/bounded-feed.js';
import { createBoundedFeed } from '../../../src/live/bounded-feed.js';
import { createRowVersionGuard } from '../../../src/live/row-version-guard.js';

async function take<T>(iterator: AsyncIterator<FeedItem<T>>, count: number): Promise<(FeedItem<T> | 'done')[]> {
  const items: (FeedItem<T> | 'done')[] = [];
  for (let index = 0; index < count; index += 1) {
    const result = await iterator.next();
    items.push(result.done === true ? 'done' : result.value);
  }
  return items;
}

describe('a bounded subscription feed', () => {
  it('hands events over in the order they were pushed, waiting when there are none', async () => {
    const feed = createBoundedFeed<number>({ capacity: 4, onClose: () => undefined });
    const iterator = feed[Symbol.asyncIterator]();
    const waiting = iterator.next();
    feed.push(1);
    feed.push(2);
    assert.deepEqual((await waiting).value, { kind: 'event', value: 1 });
    assert.deepEqual(await take(iterator, 1), [{ kind: 'event', value: 2 }]);
    assert.equal(feed.buffered, 0);
  });

  it('ends with an overflow telling the client to resubscribe once more than its capacity is waiting, then finishes', async () => {
    let closed = 0;
    const feed = createBoundedFeed<number>({ capacity: 3, onClose: () => (closed += 1) });
    for (let value = 1; value <= 5; value += 1) feed.push(value);
    const items = await take(feed[Symbol.asyncIterator](), 3);
    assert.equal((items[0] as FeedItem<number>).kind, 'end');
    assert.match(JSON.stringify(items[0]), /SUBSCRIPTION_OVERFLOW.*more than 3 events.*resubscribe/);
    assert.deepEqual(items.slice(1), ['done', 'done']);
    assert.equal(closed, 1);
  });

  it('keeps at most its capacity in memory however many events arrive after the overflow', () => {
    const feed = createBoundedFeed<number>({ capacity: 2, onClose: () => undefined });
    for (let value = 0; value < 10_000; value += 1) feed.push(value);
    assert.equal(feed.buffered, 0);
    assert.equal(feed.ended, true);
  });

  it('stops at once and runs its close hook when the consumer returns, even while waiting', async () => {
    let closed = 0;
    const feed = createBoundedFeed<number>({ capacity: 2, onClose: () => (closed += 1) });
    const iterator = feed[Symbol.asyncIterator]();
    const waiting = iterator.next();
    await iterator.return?.();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    assert.equal(closed, 1);
    feed.push(1);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  it('delivers an end to a waiting consumer', async () => {
    const feed = createBoundedFeed<number>({ capacity: 2, onClose: () => undefined });
    const iterator = feed[Symbol.asyncIterator]();
    const waiting = iterator.next();
    feed.end({ kind: 'end', code: 'SUBSCRIPTION_INTERRUPTED', message: 'gone' });
    assert.deepEqual((await waiting).value, { kind: 'end', code: 'SUBSCRIPTION_INTERRUPTED', message: 'gone' });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => createBoundedFeed({ capacity: 0, onClose: () => undefined }), /positive integer/);
  });
});

describe('the per-row version guard', () => {
  it('admits rising versions of a row and refuses repeats and older ones', () => {
    const guard = createRowVersionGuard(10);
    assert.equal(guard.admit('Product:1', '0000000000000000005'), true);
    assert.equal(guard.admit('Product:1', '0000000000000000005'), false);
    assert.equal(guard.admit('Product:1', '0000000000000000004'), false);
    assert.equal(guard.admit('Product:2', '0000000000000000001'), true);
    assert.equal(guard.admit('Product:1', '0000000000000000006'), true);
  });

  it('forgets the least recently changed row past its bound', () => {
    const guard = createRowVersionGuard(2);
    guard.admit('a', '0000000000000000002');
    guard.admit('b', '0000000000000000002');
    guard.admit('a', '0000000000000000003');
    guard.admit('c', '0000000000000000002');
    assert.equal(guard.admit('a', '0000000000000000003'), false, 'a is still remembered');
    assert.equal(guard.admit('b', '0000000000000000001'), true, 'b was forgotten');
  });
});

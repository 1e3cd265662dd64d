import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../src/errors.js';
import { RetryAborted, backoffDelay, retryUntilDone } from '../../src/retry-backoff.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((failures) => backoffDelay(failures, 100, 5_000)),
      [100, 200, 400, 800, 1600, 3200, 5000, 5000],
    );
  });
});

describe('retryUntilDone', () => {
  const options = (signal: AbortSignal, seen: unknown[] = []) => ({
    signal,
    initialDelayMs: 1,
    maxDelayMs: 4,
    onFailure: (error: unknown) => void seen.push(error),
  });

  it('retries every failure until the attempt succeeds', async () => {
    const seen: unknown[] = [];
    let calls = 0;
    const result = await retryUntilDone(
      () => {
        calls += 1;
        if (calls === 1) return Promise.reject(new GatewayError('CACHE_UNAVAILABLE', 'down'));
        if (calls === 2) return Promise.reject(new Error('unexpected'));
        return Promise.resolve('applied');
      },
      options(new AbortController().signal, seen),
    );
    assert.equal(result, 'applied');
    assert.equal(calls, 3);
    assert.deepEqual(
      seen.map((error) => (error as Error).message),
      ['down', 'unexpected'],
    );
  });

  it('stops waiting as soon as the signal aborts, without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const retrying = retryUntilDone(
      () => {
        calls += 1;
        return Promise.reject(new Error('down'));
      },
      { ...options(controller.signal), initialDelayMs: 60_000, maxDelayMs: 60_000 },
    );
    setTimeout(() => controller.abort(new Error('stopping')), 20);
    await assert.rejects(retrying, RetryAborted);
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 5_000);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    await assert.rejects(
      retryUntilDone(() => Promise.resolve((calls += 1)), options(controller.signal)),
      RetryAborted,
    );
    assert.equal(calls, 0);
  });
});

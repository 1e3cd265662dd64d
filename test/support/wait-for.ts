import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` every `everyMs` until it answers something other than null, and fails the test
 * naming `what` once `timeoutMs` passed: the one wait the integration tests share.
 */
export async function waitFor<T>(probe: () => T | null | Promise<T | null>, timeoutMs: number, what: string, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

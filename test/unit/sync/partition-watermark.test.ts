import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPartitionWatermark } from '../../../src/sync/partition-watermark.js';

describe('partition watermark', () => {
  it('is unknown until a probe is satisfied', () => {
    const watermark = createPartitionWatermark();
    assert.equal(watermark.advance(0n), null);
    watermark.probed({ atMs: 1_000, end: 10n });
    assert.equal(watermark.advance(9n), null, 'offset 9 not yet applied: the end 10 is not reached');
    assert.equal(watermark.caughtUp(9n), false);
  });

  it('moves to the latest probe the position satisfies, never back', () => {
    const watermark = createPartitionWatermark();
    watermark.probed({ atMs: 1_000, end: 10n });
    watermark.probed({ atMs: 1_250, end: 14n });
    watermark.probed({ atMs: 1_500, end: 20n });
    assert.equal(watermark.advance(15n), 1_250, 'through 14: everything appended before 1,250');
    assert.equal(watermark.caughtUp(15n), false, 'the latest probe found 20');
    assert.equal(watermark.advance(12n), 1_250, 'a lower position (another store, a stale read) does not move it back');
    assert.equal(watermark.advance(20n), 1_500);
    assert.equal(watermark.caughtUp(20n), true);
  });

  it("follows the probes while idle: the bound is the probe's age, not the last change's", () => {
    const watermark = createPartitionWatermark();
    for (let at = 0; at <= 60_000; at += 250) {
      watermark.probed({ atMs: at, end: 42n });
      watermark.advance(42n);
    }
    assert.equal(watermark.watermarkMs, 60_000);
  });

  it('keeps an older watermark when far behind, never an invented newer one', () => {
    const watermark = createPartitionWatermark();
    watermark.probed({ atMs: 0, end: 1n });
    watermark.advance(1n);
    for (let at = 1; at <= 10_000; at += 1) watermark.probed({ atMs: at, end: BigInt(at + 1) * 100n });
    assert.equal(watermark.advance(50n), 0, 'nothing newer satisfied');
    assert.equal(watermark.advance(BigInt(9_999) * 100n), 9_998, 'the oldest probes were dropped, the kept ones still bound it correctly');
  });
});

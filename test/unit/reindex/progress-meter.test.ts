import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressRenderer, formatDuration, formatProgress } from '../../../src/reindex/progress-meter.js';

describe('formatProgress', () => {
  it('shows the bar, percentage, counts, rate and time left', () => {
    assert.equal(
      formatProgress({ label: 'products', done: 4_200, total: 10_000, elapsedMs: 4_000 }),
      'products [##########..............]  42% 4,200/10,000 1,050/s ETA 0:06',
    );
  });

  it('caps at 100% when rows inserted meanwhile push past the estimate', () => {
    assert.equal(
      formatProgress({ label: 'p', done: 120, total: 100, elapsedMs: 1_000 }),
      'p [########################] 100% 120/100 120/s ETA 0:00',
    );
  });

  it('has no rate or ETA before anything was copied', () => {
    assert.match(formatProgress({ label: 'p', done: 0, total: 100, elapsedMs: 0 }), /0% 0\/100 0\/s ETA --:--$/);
  });
});

describe('formatDuration', () => {
  it('prints minutes and seconds, and hours when needed', () => {
    assert.equal(formatDuration(65_000), '1:05');
    assert.equal(formatDuration(3_725_000), '1:02:05');
  });
});

describe('createProgressRenderer', () => {
  it('redraws one terminal line, throttled, and ends it with a newline', () => {
    const written: string[] = [];
    let now = 0;
    const renderer = createProgressRenderer({ isTTY: true, write: (text) => written.push(text) }, 'p', () => now);
    now = 200;
    renderer.update(10, 100);
    now = 250;
    renderer.update(20, 100);
    renderer.finish(100, 100);
    assert.equal(written.length, 2);
    assert.ok(written[0]?.startsWith('\r'));
    assert.ok(written[1]?.endsWith('\n'));
  });

  it('prints a line every few seconds when the output is not a terminal', () => {
    const written: string[] = [];
    let now = 0;
    const renderer = createProgressRenderer({ write: (text) => written.push(text) }, 'p', () => now, 5_000);
    for (now = 1_000; now <= 12_000; now += 1_000) renderer.update(now / 100, 200);
    assert.equal(written.length, 2);
    assert.ok(written.every((line) => line.endsWith('\n') && !line.startsWith('\r')));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, mixSeed, mulberry32 } from '../../../src/demo/seeded-random.js';

const draw = (seed: number, count: number) => {
  const next = mulberry32(seed);
  return Array.from({ length: count }, () => next());
};

describe('seeded random', () => {
  it('produces the reference mulberry32 sequence, so demo data stays the same across releases', () => {
    assert.deepEqual(draw(42, 3), [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('repeats the same sequence for the same seed', () => {
    assert.deepEqual(draw(7, 100), draw(7, 100));
  });

  it('produces a different sequence for a different seed', () => {
    assert.notDeepEqual(draw(7, 10), draw(8, 10));
  });

  it('stays within [0, 1)', () => {
    for (const value of draw(123, 10_000)) assert.ok(value >= 0 && value < 1, `out of range: ${value}`);
  });

  it('mixes neighbouring inputs into unrelated seeds', () => {
    assert.equal(mixSeed(1, 2, 3), mixSeed(1, 2, 3));
    assert.notEqual(mixSeed(1, 2, 3), mixSeed(1, 2, 4));
    assert.notEqual(mixSeed(1, 2, 3), mixSeed(2, 2, 3));
    assert.notEqual(mixSeed(1, 2, 3), mixSeed(1, 3, 3));
    assert.notEqual(mixSeed(0, 1, 2 ** 32 + 5), mixSeed(0, 1, 5));
  });

  it('draws integers covering both inclusive bounds', () => {
    const random = createRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) seen.add(random.int(3, 6));
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  it('rejects an integer range whose bounds are reversed', () => {
    assert.throws(() => createRandom(1).int(5, 4), /min <= max/);
  });

  it('picks only from the given list and refuses an empty one', () => {
    const random = createRandom(9);
    for (let i = 0; i < 100; i += 1) assert.ok(['a', 'b'].includes(random.pick(['a', 'b'])));
    assert.throws(() => random.pick([]), /non-empty/);
  });

  it('follows the weights roughly', () => {
    const random = createRandom(11);
    let heavy = 0;
    for (let i = 0; i < 10_000; i += 1)
      if (
        random.weighted([
          ['heavy', 9],
          ['light', 1],
        ]) === 'heavy'
      )
        heavy += 1;
    assert.ok(heavy > 8_700 && heavy < 9_300, `heavy chosen ${heavy} times of 10000`);
  });

  it('samples distinct items and no more than exist', () => {
    const random = createRandom(13);
    const sample = random.sample([1, 2, 3, 4, 5], 3);
    assert.equal(sample.length, 3);
    assert.equal(new Set(sample).size, 3);
    assert.equal(random.sample([1, 2], 5).length, 2);
    assert.deepEqual(random.sample([1, 2], 0), []);
  });
});

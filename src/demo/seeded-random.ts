/**
 * A small seeded PRNG for the demo data. Everything here is 32-bit integer arithmetic
 * (Math.imul, shifts), so a seed produces the same sequence on every platform and Node version;
 * nothing goes through Math.random or transcendental functions.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the values, with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** `count` distinct items in random order (all of them if there are fewer). */
  sample<T>(items: readonly T[], count: number): T[];
}

/** mulberry32: one 32-bit state word, a full 2^32 period, good enough statistics for fake data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Combines integers into one well-spread 32-bit seed (murmur3's finaliser after each part), so
 * that neighbouring inputs such as (seed, table, id) and (seed, table, id + 1) start unrelated
 * streams. This is what lets every row have its own generator.
 */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    hash = finalize((hash ^ (part >>> 0)) >>> 0);
    // Parts above 2^32 (ids are far below, but stay correct) contribute their high word too.
    const high = Math.floor(part / 4_294_967_296);
    if (high !== 0) hash = finalize((hash ^ (high >>> 0)) >>> 0);
  }
  return hash;
}

function finalize(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    int(min, max) {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
        throw new RangeError(`Random.int needs integers with min <= max, got [${min}, ${max}]`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(probability) {
      return next() < probability;
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('Random.pick needs a non-empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      if (!(total > 0)) throw new RangeError('Random.weighted needs at least one positive weight');
      let roll = next() * total;
      for (const [value, weight] of choices) {
        roll -= weight;
        if (roll < 0) return value;
      }
      // Floating-point rounding can leave roll at exactly 0 after the last choice.
      return (choices[choices.length - 1] as readonly [T, number])[0];
    },
    sample<T>(items: readonly T[], count: number): T[] {
      const pool = [...items];
      const wanted = Math.min(Math.max(0, count), pool.length);
      // Partial Fisher-Yates: only the first `wanted` slots are shuffled.
      for (let i = 0; i < wanted; i += 1) {
        const j = i + Math.floor(next() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
      }
      return pool.slice(0, wanted);
    },
  };
  return random;
}

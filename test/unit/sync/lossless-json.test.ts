import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonLossless } from '../../../src/sync/decoders/lossless-json.js';

describe('parseJsonLossless', () => {
  it('parses ordinary JSON exactly like JSON.parse', () => {
    const text = '{"a":[1,-2.5,1e3,true,null],"b":"x","c":{"d":1740824162456789}}';
    assert.deepEqual(parseJsonLossless(text), JSON.parse(text));
  });

  it('keeps integers beyond 2^53 as their exact digits', () => {
    assert.deepEqual(parseJsonLossless('{"ts":429918007904436226,"neg":-9007199254740993,"max":9007199254740991}'), {
      ts: '429918007904436226',
      neg: '-9007199254740993',
      max: 9007199254740991,
    });
  });

  it('keeps decimals with more than 15 significant digits as text', () => {
    assert.deepEqual(parseJsonLossless('[12345678901234567.89,0.1234567890123456,0.000000000000001]'), [
      '12345678901234567.89',
      '0.1234567890123456',
      1e-15,
    ]);
  });

  it('leaves digits inside strings alone, escaped quotes included', () => {
    const text = '{"s":"12345678901234567890","t":"say \\"12345678901234567890\\"","n":12345678901234567890}';
    assert.deepEqual(parseJsonLossless(text), {
      s: '12345678901234567890',
      t: 'say "12345678901234567890"',
      n: '12345678901234567890',
    });
  });

  it('ends a string at a quote after an even run of backslashes, in any script', () => {
    const text =
      '{"s":"ends in a backslash \\\\","t":"耳机 \\"1234567890123456789\\"","n":-12345678901234567890.5,"u":[1.5e300,123456789012345]}';
    assert.deepEqual(parseJsonLossless(text), {
      s: 'ends in a backslash \\',
      t: '耳机 "1234567890123456789"',
      n: '-12345678901234567890.5',
      u: [1.5e300, 123456789012345],
    });
  });

  it('still rejects malformed JSON', () => {
    assert.throws(() => parseJsonLossless('{"n":12345678901234567890'), SyntaxError);
  });
});

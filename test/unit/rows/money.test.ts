import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../../src/errors.js';
import { decimalToMinorUnits, exactIntegerSum, formatMinorUnits, parseMoneyArgument } from '../../../src/rows/money.js';

describe('decimalToMinorUnits', () => {
  it('turns exact decimal text into integer cents without a float on the way', () => {
    assert.equal(decimalToMinorUnits('19.90'), 1990);
    assert.equal(decimalToMinorUnits('19.9'), 1990);
    assert.equal(decimalToMinorUnits('7'), 700);
    assert.equal(decimalToMinorUnits('-0.05'), -5);
    assert.equal(decimalToMinorUnits('0.10'), 10);
    assert.equal(decimalToMinorUnits('90071992547409.91'), 9007199254740991);
  });

  it('accepts trailing zeros beyond the scale and refuses anything it would have to round', () => {
    assert.equal(decimalToMinorUnits('1.2300'), 123);
    assert.equal(decimalToMinorUnits('1.005'), null);
    assert.equal(decimalToMinorUnits('90071992547409.92'), null, 'beyond 2^53 cents');
    for (const bad of ['', 'abc', '1e3', '1,5', ' 1', null, 12, undefined])
      assert.equal(decimalToMinorUnits(bad as never), null, String(bad));
  });
});

describe('formatMinorUnits', () => {
  it('formats cents back to an exact decimal string', () => {
    assert.equal(formatMinorUnits(30n), '0.30');
    assert.equal(formatMinorUnits(5n), '0.05');
    assert.equal(formatMinorUnits(-5n), '-0.05');
    assert.equal(formatMinorUnits(0n), '0.00');
    assert.equal(formatMinorUnits(123456789012345678901n), '1234567890123456789.01');
    assert.equal(formatMinorUnits(7n, 0), '7');
  });
});

describe('exactIntegerSum', () => {
  it('accepts the integer sums of integer cents and refuses anything else', () => {
    assert.equal(exactIntegerSum(30, 'x'), 30n);
    assert.equal(exactIntegerSum(null, 'x'), 0n);
    assert.equal(exactIntegerSum(undefined, 'x'), 0n);
    assert.throws(() => exactIntegerSum(0.30000000000000004, 'revenue'), /revenue/);
    assert.throws(
      () => exactIntegerSum(2 ** 53 + 2, 'revenue'),
      (error: unknown) => isGatewayError(error) && error.code === 'INTERNAL',
    );
  });
});

describe('parseMoneyArgument', () => {
  it('names the argument when a client amount has too many decimals', () => {
    assert.equal(parseMoneyArgument('10.5', 'minPrice'), 1050);
    assert.throws(
      () => parseMoneyArgument('10.001', 'filter.minPrice'),
      (error: unknown) => isGatewayError(error) && error.code === 'BAD_USER_INPUT' && /filter\.minPrice/.test(error.message),
    );
  });
});

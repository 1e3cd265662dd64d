import { GatewayError } from '../errors.js';

/*
 * Money in search documents is an integer count of minor units (cents) in a `long` field, and sums
 * come back from Elasticsearch's `sum` aggregation. That aggregation adds in double precision, which
 * is exact for integers as long as every partial sum stays below 2^53 (90 trillion currency units at
 * two decimals): so integer cents in, integer cents out, and `exactIntegerSum` refuses anything that
 * is not such an integer rather than return a rounded amount. Formatting back to a decimal string
 * goes through bigint, never through a float.
 */

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "19.9" → 1990 at scale 2; null for text that is not a plain decimal or has more digits than the scale. */
export function decimalToMinorUnits(text: unknown, scale = 2): number | null {
  if (typeof text !== 'string') return null;
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return null;
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) return null;
  const units = BigInt(`${whole}${fraction.slice(0, scale).padEnd(scale, '0')}`) * (sign === '-' ? -1n : 1n);
  return units >= BigInt(Number.MIN_SAFE_INTEGER) && units <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(units) : null;
}

/** 1990n → "19.90"; -5n → "-0.05". */
export function formatMinorUnits(units: bigint, scale = 2): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** A `sum` aggregation's value over integers (cents, quantities), checked to be exact. */
export function exactIntegerSum(value: unknown, what: string): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new GatewayError('INTERNAL', `${what}: the sum ${JSON.stringify(value)} is outside the range where integers add exactly`);
  }
  return BigInt(value);
}

/** A client-supplied Decimal (already syntax-checked by the scalar) as cents; more than 2 decimals is an error. */
export function parseMoneyArgument(text: string, argument: string): number {
  const cents = decimalToMinorUnits(text);
  if (cents === null)
    throw new GatewayError(
      'BAD_USER_INPUT',
      `${argument} must be an amount with at most 2 decimals, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return cents;
}

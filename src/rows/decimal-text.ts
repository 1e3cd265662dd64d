/**
 * Exact decimal and integer text. Nothing here goes through a binary float: DECIMAL values are
 * money, and BIGINT keys beyond 2^53 must keep every digit.
 */

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
/** Far beyond DECIMAL(65,30); guards 10n ** exponent against absurd inputs. */
const MAX_EXPONENT = 400;

/**
 * Decimal text with exactly `scale` fractional digits. Extra digits are rounded half away from
 * zero, as MySQL does when it stores a value into a DECIMAL column.
 */
export function scaleDecimalText(text: string, scale: number): string {
  if (!Number.isInteger(scale) || scale < 0) throw new Error(`decimal scale ${scale} is not a non-negative integer`);
  const match = DECIMAL_TEXT.exec(text.trim());
  const integerDigits = match?.[2] ?? '';
  const fractionDigits = match?.[3] ?? '';
  if (match === null || integerDigits + fractionDigits === '') throw new Error('not a decimal number');
  const exponent = Number(match[4] ?? '0');
  if (Math.abs(exponent) > MAX_EXPONENT) throw new Error('decimal exponent out of range');

  const mantissa = BigInt(integerDigits + fractionDigits);
  const fractionLength = fractionDigits.length - exponent;
  let unscaled: bigint;
  if (fractionLength <= scale) {
    unscaled = mantissa * 10n ** BigInt(scale - fractionLength);
  } else {
    const divisor = 10n ** BigInt(fractionLength - scale);
    unscaled = mantissa / divisor;
    if ((mantissa % divisor) * 2n >= divisor) unscaled += 1n;
  }
  return unscaledToDecimalText(match[1] === '-' ? -unscaled : unscaled, scale);
}

/** `unscaled × 10^-scale` as decimal text, e.g. (1999n, 2) → "19.99". */
export function unscaledToDecimalText(unscaled: bigint, scale: number): string {
  if (!Number.isInteger(scale)) throw new Error(`decimal scale ${scale} is not an integer`);
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Big-endian two's complement bytes (Kafka Connect's Decimal encoding) as a bigint. */
export function bigintFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  const signBit = (bytes[0] ?? 0) & 0x80;
  return signBit === 0 ? unsigned : unsigned - (1n << BigInt(bytes.length * 8));
}

/**
 * An integer from a number, bigint or integer text. Numbers must be safe integers: a larger number
 * has already been rounded and its true digits are gone.
 */
export function parseIntegerValue(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error(Number.isInteger(value) ? 'integer beyond 2^53 already lost precision as a JS number' : 'not an integer');
    }
    return BigInt(value);
  }
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return BigInt(value.trim());
  throw new Error('not an integer');
}

/** The canonical BIGINT: a number when it is exact as one, else its decimal text. */
export function integerToRowValue(value: bigint): number | string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

/**
 * JSON.parse that never rounds a number silently. CDC messages carry numbers a double cannot hold:
 * TiDB TSOs (~2^58), BIGINT keys beyond 2^53 (Debezium, Maxwell), Maxwell DECIMALs with more than
 * 15 significant digits. Such numbers come back as their exact decimal text (a string), which is
 * what the normalizer expects for BIGINT and DECIMAL columns; every other number is a plain number.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(MAYBE_INEXACT.test(text) ? quoteInexactNumbers(text) : text) as unknown;
}

/** A number that needs 16+ digits leaves a run of 16+ digits and dots; without one, JSON.parse is exact. */
const MAYBE_INEXACT = /[\d.]{16}/;
const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_PARTS = /^-?(\d+)(?:\.(\d+))?([eE][+-]?\d+)?$/;
/** Every decimal with at most 15 significant digits survives a round trip through a double. */
const EXACT_SIGNIFICANT_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

function quoteInexactNumbers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      index = endOfString(text, index);
      continue;
    }
    // Outside strings a digit or minus can only start a number (true/false/null have no digits).
    if (char === MINUS || (char >= ZERO && char <= NINE)) {
      NUMBER_TOKEN.lastIndex = index;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      if (token !== undefined) {
        if (!isExactAsDouble(token)) {
          result += `${text.slice(copiedUpTo, index)}"${token}"`;
          copiedUpTo = index + token.length;
        }
        index += token.length;
        continue;
      }
    }
    index += 1;
  }
  return result + text.slice(copiedUpTo);
}

function endOfString(text: string, openingQuote: number): number {
  let index = openingQuote + 1;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === BACKSLASH) index += 2;
    else if (char === QUOTE) return index + 1;
    else index += 1;
  }
  return index;
}

function isExactAsDouble(token: string): boolean {
  const parts = NUMBER_PARTS.exec(token);
  if (parts === null) return true;
  const [, integerDigits = '', fractionDigits, exponent] = parts;
  if (fractionDigits === undefined && exponent === undefined) return Number.isSafeInteger(Number(token));
  return (integerDigits + (fractionDigits ?? '')).replace(/^0+/, '').length <= EXACT_SIGNIFICANT_DIGITS;
}

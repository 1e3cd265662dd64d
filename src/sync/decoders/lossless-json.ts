/**
 * JSON.parse that never rounds a number silently. CDC messages carry numbers a double cannot hold:
 * TiDB TSOs (~2^58), BIGINT keys beyond 2^53 (Debezium, Maxwell), Maxwell DECIMALs with more than
 * 15 significant digits. Such numbers come back as their exact decimal text (a string), which is
 * what the normalizer expects for BIGINT and DECIMAL columns; every other number is a plain number.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteInexactNumbers(text)) as unknown;
}

const NUMBER_PARTS = /^-?(\d+)(?:\.(\d+))?([eE][+-]?\d+)?$/;
/** Every decimal with at most 15 significant digits survives a round trip through a double. */
const EXACT_SIGNIFICANT_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const isNumberChar = (char: number) =>
  (char >= ZERO && char <= NINE) || char === DOT || char === MINUS || char === PLUS || char === LOWER_E || char === UPPER_E;

/*
 * Runs on every message, so it is written for speed: strings are skipped with indexOf, and a number
 * token of at most 15 characters (at most 15 digits, exact) is not examined further. (A regex
 * pre-check for a run of 16 digits cost as much as this scan, and every Debezium message has such a
 * run: its ts_ns.) A token that is not a well-formed number is left as it is, for JSON.parse to
 * reject. Text without an inexact number is returned as it is.
 */
function quoteInexactNumbers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      index = endOfString(text, index);
      continue;
    }
    // Outside strings a digit or minus can only start a number (true/false/null have no digits).
    if (char === MINUS || (char >= ZERO && char <= NINE)) {
      let end = index + 1;
      while (end < length && isNumberChar(text.charCodeAt(end))) end += 1;
      if (end - index > EXACT_SIGNIFICANT_DIGITS) {
        const token = text.slice(index, end);
        if (!isExactAsDouble(token)) {
          result += `${text.slice(copiedUpTo, index)}"${token}"`;
          copiedUpTo = end;
        }
      }
      index = end;
      continue;
    }
    index += 1;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** The index after the string's closing quote: the next quote not escaped by an odd run of backslashes. */
function endOfString(text: string, openingQuote: number): number {
  let from = openingQuote + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let at = quote - 1; text.charCodeAt(at) === BACKSLASH; at -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function isExactAsDouble(token: string): boolean {
  const parts = NUMBER_PARTS.exec(token);
  if (parts === null) return true;
  const [, integerDigits = '', fractionDigits, exponent] = parts;
  if (fractionDigits === undefined && exponent === undefined) return Number.isSafeInteger(Number(token));
  return (integerDigits + (fractionDigits ?? '')).replace(/^0+/, '').length <= EXACT_SIGNIFICANT_DIGITS;
}

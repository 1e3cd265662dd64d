import type { RowValue } from '../rows/row.js';
import { decimalToMinorUnits } from '../rows/money.js';

/*
 * Helpers for `toDocument` functions. They never throw: a value they cannot convert becomes null
 * (the field is left out of the index), because a throwing toDocument would stall the CDC stream
 * on one malformed row.
 */

/** An exact DECIMAL(…, 2) value as integer cents, for `long` fields that analytics sum exactly. */
export function cents(value: RowValue | undefined): number | null {
  return decimalToMinorUnits(value);
}

/** quantity × unit price in cents, null when either is missing or the product leaves the exact range. */
export function lineCents(quantity: RowValue | undefined, unitPrice: RowValue | undefined): number | null {
  const unit = cents(unitPrice);
  if (unit === null || typeof quantity !== 'number' || !Number.isInteger(quantity)) return null;
  const total = unit * quantity;
  return Number.isSafeInteger(total) ? total : null;
}

/** Per text, so a long name cannot crowd out the brand. */
const MAX_INPUTS_PER_TEXT = 5;

/**
 * Inputs of a `completion` field. The completion suggester only matches from the start of an
 * input, so besides the whole name each later word starts an input of its own ("Silk Pillowcase"
 * is suggested for "pill" too), and the brand is one more. CJK runs without spaces are matched from
 * the start of the run only: without analysis-common there is no n-gram filter to do better.
 */
export function suggestionInputs(...texts: readonly RowValue[]): string[] {
  const inputs = new Set<string>();
  for (const text of texts) {
    if (typeof text !== 'string' || text.trim() === '') continue;
    const words = text.trim().split(/\s+/);
    for (let start = 0; start < Math.min(words.length, MAX_INPUTS_PER_TEXT); start += 1) inputs.add(words.slice(start).join(' '));
  }
  return [...inputs];
}

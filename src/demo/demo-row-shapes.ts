import type { Random } from './seeded-random.js';

/** The demo tables' rows as the generator builds them, their column lists, and the value formats they use. */

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;

export interface CategoryRow {
  readonly id: number;
  readonly parent_id: number | null;
  readonly name: string;
  readonly slug: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ProductRow {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string | null;
  readonly category_id: number;
  readonly brand: string;
  readonly price: string;
  readonly stock: number;
  readonly status: 'active' | 'draft' | 'archived';
  readonly is_featured: 0 | 1;
  readonly tags: string;
  readonly attributes: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface UserRow {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly referrer_id: number | null;
  readonly level: 'member' | 'silver' | 'gold' | 'diamond';
  readonly is_active: 0 | 1;
  readonly created_at: string;
}

export const CATEGORY_COLUMNS = [
  'id',
  'parent_id',
  'name',
  'slug',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof CategoryRow)[];
export const PRODUCT_COLUMNS = [
  'id',
  'sku',
  'name',
  'description',
  'category_id',
  'brand',
  'price',
  'stock',
  'status',
  'is_featured',
  'tags',
  'attributes',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ProductRow)[];
export const USER_COLUMNS = [
  'id',
  'name',
  'email',
  'referrer_id',
  'level',
  'is_active',
  'created_at',
] as const satisfies readonly (keyof UserRow)[];

/** 'YYYY-MM-DD HH:MM:SS[.mmm]' in UTC; the gateway's sessions run in UTC, so this is what is stored. */
export function formatDateTime(epochMs: number, fractionDigits: 0 | 3): string {
  return new Date(epochMs)
    .toISOString()
    .slice(0, fractionDigits === 3 ? 23 : 19)
    .replace('T', ' ');
}

/** Money stays in integer cents until it becomes a DECIMAL string, so no float rounding leaks in. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`formatCents needs non-negative integer cents, got ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function centsFromDecimal(value: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (match === null) throw new RangeError(`centsFromDecimal needs a non-negative decimal with at most 2 places, got ${value}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A millisecond in the year that ends at `endsAtMs`. */
export function momentInYear(random: Random, endsAtMs: number): number {
  return endsAtMs - 1 - Math.floor(random.next() * YEAR_MS);
}

/** A millisecond between `fromMs` and `toMs`, both inclusive. */
export function momentBetween(random: Random, fromMs: number, toMs: number): number {
  return toMs <= fromMs ? fromMs : random.int(fromMs, toMs);
}

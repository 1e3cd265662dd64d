/**
 * Pure row builders for the demo shop. Each row gets its own generator seeded from
 * (seed, table, id), so a row depends only on the seed, its id and the plan: rows can be built in
 * any order or chunking and still come out byte for byte the same.
 */
import { createRandom, mixSeed } from './seeded-random.js';
import type { Random } from './seeded-random.js';
import * as words from './vocabulary.js';
import type { CategoryRow, ProductRow, UserRow } from './demo-row-shapes.js';
import { DAY_MS, formatCents, formatDateTime, momentBetween, momentInYear, YEAR_MS } from './demo-row-shapes.js';

/** What a row holds per column, as mysql2 sends it: DECIMAL, DATETIME and JSON as exact strings. */
export type SqlValue = string | number | null;

/** The generated year ends here unless told otherwise: a fixed instant keeps output reproducible. */
export const DEFAULT_DEMO_END_MS = Date.UTC(2026, 0, 1);

export interface DemoPlan {
  readonly seed: number;
  readonly endsAtMs: number;
  readonly categoryCount: number;
  /** Ids 1..root are top-level; the next `midCategoryCount` ids are their children; the rest are leaves. */
  readonly rootCategoryCount: number;
  readonly midCategoryCount: number;
  readonly productCount: number;
  readonly userCount: number;
  readonly orderCount: number;
}

export function planDemoData(size: number, seed: number, endsAtMs = DEFAULT_DEMO_END_MS): DemoPlan {
  const categoryCount = Math.max(12, Math.round(size / 200));
  return {
    seed,
    endsAtMs,
    categoryCount,
    rootCategoryCount: Math.max(3, Math.floor(categoryCount / 10)),
    midCategoryCount: Math.max(3, Math.floor(categoryCount * 0.3)),
    productCount: size,
    userCount: Math.max(1, Math.floor(size / 5)),
    orderCount: Math.max(1, Math.floor(size / 2)),
  };
}

const TABLE_STREAMS = { categories: 1, products: 2, users: 3, orders: 4 } as const;

export function rowRandom(seed: number, table: keyof typeof TABLE_STREAMS, id: number): Random {
  return createRandom(mixSeed(seed, TABLE_STREAMS[table], id));
}

export function categoryDepth(plan: DemoPlan, id: number): 1 | 2 | 3 {
  if (id <= plan.rootCategoryCount) return 1;
  return id <= plan.rootCategoryCount + plan.midCategoryCount ? 2 : 3;
}

export function buildCategoryRow(random: Random, id: number, plan: DemoPlan): CategoryRow {
  const depth = categoryDepth(plan, id);
  const roots = plan.rootCategoryCount;
  let parentId: number | null = null;
  if (depth === 2) parentId = random.int(1, roots);
  if (depth === 3) parentId = random.int(roots + 1, roots + plan.midCategoryCount);
  const vocabulary = depth === 1 ? words.rootCategoryNames : words.subCategoryNames;
  const [zh, en] = depth === 1 ? (vocabulary[(id - 1) % vocabulary.length] as readonly [string, string]) : random.pick(vocabulary);
  // Large plans repeat the vocabulary; a round number keeps top-level names distinct.
  const round = depth === 1 ? Math.floor((id - 1) / vocabulary.length) : 0;
  const name = round === 0 ? `${zh} ${en}` : `${zh} ${en} ${round + 1}`;
  // The shop opened shortly before the generated year; categories predate every product.
  const createdMs = plan.endsAtMs - YEAR_MS - random.int(1, 30 * DAY_MS);
  return {
    id,
    parent_id: parentId,
    name,
    slug: `${slugify(en)}-${id}`,
    created_at: formatDateTime(createdMs, 3),
    updated_at: formatDateTime(momentBetween(random, createdMs, plan.endsAtMs - 1), 3),
  };
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function buildProductRow(random: Random, id: number, plan: DemoPlan): ProductRow {
  const brand = random.pick(words.brands);
  const createdMs = momentInYear(random, plan.endsAtMs);
  const updatedMs = random.chance(0.4) ? createdMs : momentBetween(random, createdMs, plan.endsAtMs - 1);
  const descriptionCount = random.chance(0.15) ? 0 : random.int(1, 3);
  const attributes = productAttributes(random);
  return {
    id,
    sku: `SKU-${String(id).padStart(8, '0')}`,
    name: productName(random, brand),
    description: descriptionCount === 0 ? null : random.sample(words.descriptionFragments, descriptionCount).join(' '),
    category_id: random.int(1, plan.categoryCount),
    brand,
    price: formatCents(priceCents(random)),
    stock: random.chance(0.08)
      ? 0
      : random.weighted([
          [random.int(1, 200), 70],
          [random.int(201, 2_000), 25],
          [random.int(2_001, 50_000), 5],
        ]),
    status: random.weighted([
      ['active', 80],
      ['draft', 12],
      ['archived', 8],
    ] as const),
    is_featured: random.chance(0.05) ? 1 : 0,
    tags: JSON.stringify(random.sample(words.tags, random.int(0, 4))),
    attributes: attributes === null ? null : JSON.stringify(attributes),
    created_at: formatDateTime(createdMs, 3),
    updated_at: formatDateTime(updatedMs, 3),
  };
}

function productName(random: Random, brand: string): string {
  const [zh, en] = random.pick(words.productNouns);
  switch (random.int(0, 4)) {
    case 0:
      return `${zh} ${random.pick(words.productModifiers)}`;
    case 1:
      return `${en} ${random.pick(words.productModifiers)}`;
    case 2:
      return `${brand} ${zh}`;
    case 3:
      return zh;
    default:
      return `${en} (${zh})`;
  }
}

/** Price bands instead of a smooth curve: many cheap items, a long tail up to 20,000.00. */
function priceCents(random: Random): number {
  const cents = random.weighted([
    [random.int(100, 999), 30],
    [random.int(1_000, 9_999), 40],
    [random.int(10_000, 99_999), 22],
    [random.int(100_000, 2_000_000), 8],
  ]);
  const ending = random.next();
  if (ending < 0.35) return Math.floor(cents / 100) * 100 + 99;
  if (ending < 0.55) return Math.floor(cents / 100) * 100;
  return cents;
}

function productAttributes(random: Random): Record<string, unknown> | null {
  if (random.chance(0.25)) return null;
  const attributes: Record<string, unknown> = { color: random.pick(words.colors), weight_g: random.int(20, 5_000) };
  if (random.chance(0.5)) attributes['dimensions_cm'] = { w: random.int(1, 80), h: random.int(1, 80), d: random.int(1, 80) };
  if (random.chance(0.5)) attributes['material'] = random.pick(words.materials);
  if (random.chance(0.4)) attributes['warranty_months'] = random.pick([0, 6, 12, 24]);
  if (random.chance(0.3)) attributes['waterproof'] = random.chance(0.5);
  if (random.chance(0.5)) attributes['origin'] = random.pick(words.origins);
  if (random.chance(0.3)) attributes['rating'] = random.int(10, 50) / 10;
  return attributes;
}

export function buildUserRow(random: Random, id: number, plan: DemoPlan): UserRow {
  let name: string;
  let localPart: string;
  if (random.chance(0.55)) {
    name = random.pick(words.chineseSurnames) + random.pick(words.chineseGivenNames);
    localPart = `user${random.int(100, 999)}`;
  } else {
    const [first, firstAscii] = random.pick(words.westernFirstNames);
    const [last, lastAscii] = random.pick(words.westernLastNames);
    name = `${first} ${last}`;
    localPart = `${firstAscii}.${lastAscii}`;
  }
  return {
    id,
    name,
    // The id keeps e-mails unique however often names repeat.
    email: `${localPart}.${id}@${random.pick(words.emailDomains)}`,
    // An upline is always an earlier user, so the referral graph is a forest with no cycles.
    referrer_id: id === 1 || random.chance(0.25) ? null : random.int(1, id - 1),
    level: random.weighted([
      ['member', 70],
      ['silver', 18],
      ['gold', 9],
      ['diamond', 3],
    ] as const),
    is_active: random.chance(0.92) ? 1 : 0,
    created_at: formatDateTime(momentInYear(random, plan.endsAtMs), 3),
  };
}

/**
 * Pure builder for one order with its items and the commissions it earns. Prices and uplines come
 * from lookups rather than from rebuilding product and user rows, so the generator only keeps two
 * typed arrays (cents per product, referrer per user) instead of the tables themselves.
 */
import type { Random } from './seeded-random.js';
import type { DemoPlan } from './demo-rows.js';
import { formatCents, formatDateTime, momentBetween, momentInYear } from './demo-row-shapes.js';

export interface OrderRow {
  readonly id: number;
  readonly user_id: number;
  readonly status: OrderStatus;
  readonly total: string;
  readonly currency: string;
  readonly created_at: string;
  readonly paid_at: string | null;
}

export interface OrderItemRow {
  readonly id: number;
  readonly order_id: number;
  readonly product_id: number;
  readonly quantity: number;
  readonly unit_price: string;
}

export interface CommissionRow {
  readonly id: number;
  readonly user_id: number;
  readonly order_id: number | null;
  readonly type: 'direct' | 'team' | 'bonus';
  readonly amount: string;
  readonly status: 'pending' | 'settled' | 'cancelled';
  readonly created_at: string;
  readonly settled_at: string | null;
}

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';

export const ORDER_COLUMNS = [
  'id',
  'user_id',
  'status',
  'total',
  'currency',
  'created_at',
  'paid_at',
] as const satisfies readonly (keyof OrderRow)[];
export const ORDER_ITEM_COLUMNS = [
  'id',
  'order_id',
  'product_id',
  'quantity',
  'unit_price',
] as const satisfies readonly (keyof OrderItemRow)[];
export const COMMISSION_COLUMNS = [
  'id',
  'user_id',
  'order_id',
  'type',
  'amount',
  'status',
  'created_at',
  'settled_at',
] as const satisfies readonly (keyof CommissionRow)[];

export interface OrderLookups {
  /** The product's price in cents, as its row was generated. */
  readonly priceCentsOf: (productId: number) => number;
  readonly referrerOf: (userId: number) => number | null;
}

/** Where the running item and commission ids stand; they are assigned in order id order. */
export interface NextIds {
  readonly item: number;
  readonly commission: number;
}

export interface OrderBundle {
  readonly order: OrderRow;
  readonly items: readonly OrderItemRow[];
  readonly commissions: readonly CommissionRow[];
}

const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'completed', 'refunded']);
/** Of paid orders whose buyer has an upline (~64% of all), this share pays out: ~1/3 of orders. */
const COMMISSION_RATE = 0.52;
const DIRECT_PERCENT = 10;
const TEAM_PERCENT = 3;
const SETTLEMENT_DELAY_MS = 7 * 86_400_000;

export function buildOrderBundle(random: Random, id: number, plan: DemoPlan, lookups: OrderLookups, next: NextIds): OrderBundle {
  const userId = random.int(1, plan.userCount);
  const status = random.weighted<OrderStatus>([
    ['pending', 8],
    ['paid', 12],
    ['shipped', 15],
    ['completed', 55],
    ['cancelled', 7],
    ['refunded', 3],
  ]);
  const createdMs = momentInYear(random, plan.endsAtMs);
  // paid_at is a TIMESTAMP without fractions; whole seconds avoid MariaDB truncating where MySQL rounds.
  const paidMs = PAID_STATUSES.has(status) ? Math.floor(momentBetween(random, createdMs, createdMs + 2 * 3_600_000) / 1000) * 1000 : null;

  const items = buildItems(random, id, plan, lookups, next.item);
  const totalCents = items.reduce((sum, item) => sum + item.cents, 0);
  const order: OrderRow = {
    id,
    user_id: userId,
    status,
    total: formatCents(totalCents),
    currency: random.weighted([
      ['CNY', 85],
      ['USD', 8],
      ['HKD', 5],
      ['EUR', 2],
    ]),
    created_at: formatDateTime(createdMs, 3),
    paid_at: paidMs === null ? null : formatDateTime(paidMs, 0),
  };
  const earns = paidMs !== null && random.chance(COMMISSION_RATE);
  const commissions = earns ? buildCommissions(random, order, totalCents, paidMs, plan, lookups, next.commission) : [];
  return { order, items: items.map(({ row }) => row), commissions };
}

function buildItems(random: Random, orderId: number, plan: DemoPlan, lookups: OrderLookups, firstId: number) {
  const wanted = Math.min(random.int(1, 5), plan.productCount);
  const productIds = new Set<number>();
  while (productIds.size < wanted) productIds.add(random.int(1, plan.productCount));
  return [...productIds].map((productId, index) => {
    const quantity = random.weighted([
      [1, 60],
      [random.int(2, 3), 30],
      [random.int(4, 10), 10],
    ]);
    const listCents = lookups.priceCentsOf(productId);
    // Some lines were bought during a 10%-off promotion.
    const unitCents = random.chance(0.15) ? Math.round(listCents * 0.9) : listCents;
    const row: OrderItemRow = {
      id: firstId + index,
      order_id: orderId,
      product_id: productId,
      quantity,
      unit_price: formatCents(unitCents),
    };
    return { row, cents: unitCents * quantity };
  });
}

function buildCommissions(
  random: Random,
  order: OrderRow,
  totalCents: number,
  paidMs: number,
  plan: DemoPlan,
  lookups: OrderLookups,
  firstId: number,
): CommissionRow[] {
  const referrer = lookups.referrerOf(order.user_id);
  if (referrer === null) return [];
  const settledMs = paidMs + SETTLEMENT_DELAY_MS + random.int(0, 86_400_000);
  // Completed orders settle a week after payment, unless that week has not passed yet.
  const settles = order.status === 'completed' && settledMs < plan.endsAtMs;
  let status: CommissionRow['status'] = settles ? 'settled' : 'pending';
  if (order.status === 'refunded') status = 'cancelled';
  const common = {
    status,
    created_at: formatDateTime(paidMs + random.int(0, 999), 3),
    settled_at: settles ? formatDateTime(settledMs, 3) : null,
  };
  const rows: CommissionRow[] = [];
  const add = (userId: number, orderId: number | null, type: CommissionRow['type'], cents: number) => {
    rows.push({ id: firstId + rows.length, user_id: userId, order_id: orderId, type, amount: formatCents(cents), ...common });
  };
  add(referrer, order.id, 'direct', Math.round((totalCents * DIRECT_PERCENT) / 100));
  const teamLeader = lookups.referrerOf(referrer);
  if (teamLeader !== null) add(teamLeader, order.id, 'team', Math.round((totalCents * TEAM_PERCENT) / 100));
  // Occasional promotion bonus; half of them are campaign-wide and tied to no single order.
  if (random.chance(0.1)) add(referrer, random.chance(0.5) ? order.id : null, 'bonus', random.int(500, 8_800));
  return rows;
}

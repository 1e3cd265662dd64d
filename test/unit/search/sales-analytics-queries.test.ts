import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../../src/errors.js';
import { buildEarningsSummary, readEarningsSummary } from '../../../src/search/earnings-queries.js';
import {
  buildCategoryBreakdown,
  buildSalesOverTime,
  checkBucketCount,
  checkCurrency,
  checkTimeZone,
  readCategoryBreakdown,
  readSalesOverTime,
  timeRange,
} from '../../../src/search/sales-analytics-queries.js';

const badInput = (error: unknown) => isGatewayError(error) && error.code === 'BAD_USER_INPUT';
const march = timeRange('2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z');
const response = (aggregations: Record<string, unknown>) =>
  ({ took: 1, timed_out: false, _shards: { total: 1, successful: 1, failed: 0 }, hits: { hits: [] }, aggregations }) as never;

describe('argument checks', () => {
  it('wants from before to', () => {
    assert.deepEqual(timeRange('2025-03-01T00:00:00Z', '2025-03-02T00:00:00Z'), {
      fromMs: Date.UTC(2025, 2, 1),
      toMs: Date.UTC(2025, 2, 2),
    });
    assert.throws(() => timeRange('2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z'), badInput);
  });

  it('bounds the number of buckets', () => {
    checkBucketCount(march, 'HOUR');
    assert.throws(() => checkBucketCount(timeRange('2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), 'HOUR'), badInput);
    checkBucketCount(timeRange('2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), 'DAY');
  });

  it('accepts IANA time zones and UTC only, and ISO currency codes', () => {
    assert.equal(checkTimeZone('Asia/Shanghai'), 'Asia/Shanghai');
    assert.equal(checkTimeZone('UTC'), 'UTC');
    for (const bad of ['Mars/Olympus', '+08:00', 'asia/shanghai', '']) assert.throws(() => checkTimeZone(bad), badInput, bad);
    assert.equal(checkCurrency('CNY'), 'CNY');
    assert.throws(() => checkCurrency('cny'), badInput);
  });
});

describe('buildSalesOverTime', () => {
  it('reads order totals from the orders index when no category is given', () => {
    const { byItems, body } = buildSalesOverTime({
      range: march,
      interval: 'DAY',
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      categoryIds: null,
    });
    assert.equal(byItems, false);
    const histogram = body.aggs?.over_time as { date_histogram: Record<string, unknown>; aggs: Record<string, unknown> };
    assert.equal(histogram.date_histogram.time_zone, 'Asia/Shanghai');
    assert.equal(histogram.date_histogram.calendar_interval, 'day');
    assert.deepEqual(histogram.date_histogram.extended_bounds, { min: march.fromMs, max: march.toMs - 1 });
    assert.deepEqual(histogram.aggs, { revenue: { sum: { field: 'total_cents' } } });
  });

  it('reads line revenue of the category subtree from the order-items index', () => {
    const { byItems, body } = buildSalesOverTime({
      range: march,
      interval: 'WEEK',
      timeZone: 'UTC',
      currency: 'CNY',
      categoryIds: ['4', '10'],
    });
    assert.equal(byItems, true);
    assert.match(JSON.stringify(body.query), /"category_id":\["4","10"\]/);
    assert.match(JSON.stringify(body.query), /"order_status":\["paid","shipped","completed"\]/);
  });
});

describe('reading aggregations', () => {
  it('sums cents exactly: 0.10 + 0.20 is 0.30, not 0.30000000000000004', () => {
    const [bucket] = readSalesOverTime(
      response({ over_time: { buckets: [{ key: 0, key_as_string: '1970-01-01T00:00:00Z', doc_count: 2, revenue: { value: 30 } }] } }),
      false,
    );
    assert.equal(bucket?.revenueCents, 30n);
    assert.equal(bucket?.orders, 2);
  });

  it('orders categories by revenue, largest first', () => {
    const rows = readCategoryBreakdown(
      response({
        categories: {
          buckets: {
            '2': { revenue: { value: 100 }, units: { value: 1 }, orders: { value: 1 } },
            '1': { revenue: { value: 500 }, units: { value: 3 }, orders: { value: 2 } },
          },
        },
      }),
    );
    assert.deepEqual(
      rows.map((row) => [row.key, row.revenueCents, row.units, row.orders]),
      [
        ['1', 500n, 3n, 2],
        ['2', 100n, 1n, 1],
      ],
    );
    const request = buildCategoryBreakdown(
      march,
      'CNY',
      new Map([
        ['1', ['1', '5']],
        ['2', ['2']],
      ]),
    );
    assert.deepEqual((request.aggs?.categories as { filters: { filters: unknown } }).filters.filters, {
      '1': { terms: { category_id: ['1', '5'] } },
      '2': { terms: { category_id: ['2'] } },
    });
  });

  it('reads earnings per type and status', () => {
    assert.match(JSON.stringify(buildEarningsSummary('42')), /"user_id":"42"/);
    const buckets = readEarningsSummary(
      response({ combinations: { buckets: [{ key: { type: 'direct', status: 'settled' }, doc_count: 2, amount: { value: 1010 } }] } }),
    );
    assert.deepEqual(buckets, [{ type: 'direct', status: 'settled', count: 2, amountCents: 1010n }]);
  });
});

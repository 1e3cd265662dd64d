import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { dataOf, errorCodeOf } from './search-fixtures.js';

const KEY = { 'x-api-key': 'everything-key-0123456789' };
const RANGE = '{ from: "2025-03-01T00:00:00Z", to: "2025-03-02T00:00:00Z" }';

describe('with Elasticsearch unreachable', () => {
  let gateway: GatewayHarness;

  before(async () => {
    // Nothing listens on port 1: every search request fails at connect time.
    gateway = await startHarness({
      searchIndices: false,
      env: { ELASTICSEARCH_URL: 'http://127.0.0.1:1', API_KEYS: `all:${KEY['x-api-key']}:analyst+personal` },
    });
  });

  after(async () => {
    await gateway.close();
  });

  const unavailable: [string, string][] = [
    ['searchProducts', '{ searchProducts(query: "mug") { totalCount } }'],
    ['searchProducts with a category filter', '{ searchProducts(filter: { categoryIds: ["1"] }) { totalCount } }'],
    ['suggestProducts', '{ suggestProducts(prefix: "mu") { text } }'],
    ['salesOverTime', `{ salesOverTime(range: ${RANGE}, interval: DAY, currency: "CNY") { orders } }`],
    ['topProducts', `{ topProducts(range: ${RANGE}, currency: "CNY") { productId } }`],
    ['categoryBreakdown', `{ categoryBreakdown(range: ${RANGE}, currency: "CNY") { categoryId } }`],
    ['earningsSummary', '{ earningsSummary(userId: "3") { total } }'],
    ['earnings', '{ earnings(userId: "3") { totalCount } }'],
  ];
  for (const [name, query] of unavailable) {
    it(`answers ${name} with SEARCH_UNAVAILABLE`, async () => {
      const response = await gateway.query(query, {}, KEY);
      assert.equal(errorCodeOf(response), 'SEARCH_UNAVAILABLE', response.text.slice(0, 300));
      assert.doesNotMatch(response.text, /127\.0\.0\.1|ECONNREFUSED/, 'no internals in the message');
    });
  }

  it('keeps serving entity reads from the cache and MySQL', async () => {
    const product = dataOf<{ id: string; name: string; category: { name: string } | null }>(
      await gateway.query('{ product(id: "1") { id name category { name } } }'),
      'product',
    );
    assert.equal(product.id, '1');
    assert.ok(product.name.length > 0);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { commissionEntity } from '../../../src/schema/commission.type.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { userEntity } from '../../../src/schema/user.type.js';
import { launchChromium } from '../../support/chromium.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool } from '../../support/writer.js';
import type { SearchFixture } from '../search/search-fixtures.js';
import { createSearchFixture, deleteHarnessIndices, idBlock } from '../search/search-fixtures.js';

const personalKey = `page-personal-${randomBytes(8).toString('hex')}`;

describe('the demo search page in a real Chromium', { timeout: 180_000 }, () => {
  // A made-up word only this test's products contain, so the page shows exactly them.
  const word = `zorblax${randomBytes(3).toString('hex')}`;
  const brands = ['Kettlecraft', 'Brewmaster'];
  let gateway: GatewayHarness;
  let writer: Pool;
  let fixture: SearchFixture;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const userId = String(idBlock(1));

  before(async () => {
    gateway = await startHarness({ env: { API_KEYS: `page:${personalKey}:personal` } });
    writer = createWriterPool();
    fixture = createSearchFixture(gateway, writer);
    const first = idBlock(25);
    const productIds: string[] = [];
    for (let index = 0; index < 25; index += 1) {
      // 15 of one brand, 10 of the other; prices spread so the price facet has several ranges.
      const brand = brands[index < 15 ? 0 : 1];
      productIds.push(
        await fixture.insert('products', {
          id: first + index,
          sku: `${word}-${index}`,
          name: `${word.charAt(0).toUpperCase()}${word.slice(1)} kettle ${index + 1}`,
          description: `A ${word} kettle for tea`,
          category_id: 1,
          brand,
          price: `${10 + index * 7}.00`,
          stock: index % 4,
          status: 'active',
          is_featured: 0,
          tags: JSON.stringify([word]),
        }),
      );
    }
    await fixture.index(productEntity, productIds);
    await fixture.insert('users', {
      id: userId,
      name: 'Page Tester',
      email: `page-${userId}@example.test`,
      level: 'gold',
      is_active: 1,
      created_at: '2025-01-01 00:00:00.000',
    });
    const commissionIds: string[] = [];
    const firstCommission = idBlock(3);
    for (const [offset, type, amount, status] of [
      [0, 'direct', '12.50', 'settled'],
      [1, 'team', '3.25', 'pending'],
      [2, 'bonus', '7.00', 'cancelled'],
    ] as const) {
      commissionIds.push(
        await fixture.insert('commissions', { id: firstCommission + offset, user_id: userId, order_id: null, type, amount, status }),
      );
    }
    await fixture.index(userEntity, [userId]).catch(() => undefined);
    await fixture.index(commissionEntity, commissionIds);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await fixture.cleanup();
    await writer.end();
    await deleteHarnessIndices(gateway);
    await gateway.close();
  });

  const origin = () => gateway.api.url.replace(/\/graphql$/, '');
  const resultNames = () => page.locator('#results .hit-name').allTextContents();

  it('is served at / with its scripts, and shows products on load', async () => {
    const response = await page.goto(`${origin()}/`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.locator('#results .hit').first().waitFor();
    assert.equal(await page.title(), 'Shop search · CDC GraphQL Gateway');
  });

  it('suggests products while typing and shows highlighted results', async () => {
    await page.locator('#search-input').pressSequentially(word.slice(0, 8), { delay: 30 });
    await page.locator('#suggestions .suggestion').first().waitFor();
    const suggestions = await page.locator('#suggestions .suggestion').allTextContents();
    assert.ok(
      suggestions.length > 0 && suggestions.every((text) => text.toLowerCase().includes(word.slice(0, 8))),
      JSON.stringify(suggestions),
    );
    await page.locator('#search-input').pressSequentially(word.slice(8), { delay: 30 });
    await page.locator('#search-input').press('Enter');
    // The page opened with every product listed (also 25 here): the highlight marks the searched answer.
    await page.locator('#results mark').first().waitFor();
    await page.locator('#summary', { hasText: '25 products' }).waitFor();
    assert.equal((await resultNames()).length, 10);
    assert.ok((await page.locator('#results mark').count()) > 0, 'the matched word is highlighted');
    assert.match((await page.locator('#results mark').first().textContent()) ?? '', new RegExp(word, 'i'));
    assert.match((await page.locator('#freshness').textContent()) ?? '', /cache hits/);
  });

  it('filters by a facet when it is clicked, and removes the filter from its chip', async () => {
    const brandFacet = page.locator('#facet-brands .facet', { hasText: brands[1] });
    assert.equal(await brandFacet.locator('.count').textContent(), '10');
    await brandFacet.click();
    await page.locator('#summary', { hasText: '10 products' }).waitFor();
    const metas = await page.locator('#results .hit-meta').allTextContents();
    assert.ok(
      metas.every((text) => text.startsWith(brands[1] ?? '')),
      JSON.stringify(metas),
    );
    assert.equal(await page.locator('#facet-brands .facet.active').count(), 1);
    await page.locator('#active-filters .chip').click();
    await page.locator('#summary', { hasText: '25 products' }).waitFor();
  });

  it('pages forward and back with the pager', async () => {
    const firstPage = await resultNames();
    await page.locator('#next-page').click();
    await page.locator('#page-number', { hasText: 'Page 2' }).waitFor();
    await page.locator('#summary', { hasText: 'showing 11–20' }).waitFor();
    const secondPage = await resultNames();
    assert.equal(secondPage.length, 10);
    assert.equal(secondPage.filter((name) => firstPage.includes(name)).length, 0, 'no product repeats across pages');
    await page.locator('#next-page').click();
    await page.locator('#summary', { hasText: 'showing 21–25' }).waitFor();
    assert.equal(await page.locator('#next-page').isDisabled(), true, 'the last page has no next');
    await page.locator('#prev-page').click();
    await page.locator('#page-number', { hasText: 'Page 2' }).waitFor();
    assert.deepEqual(await resultNames(), secondPage);
  });

  it("shows a user's earnings with an API key that has the personal role, and refuses without one", async () => {
    await page.locator('.tab[data-view="earnings"]').click();
    await page.locator('#earnings-user').fill(userId);
    await page.locator('#earnings-form button').click();
    await page.locator('#earnings-error', { hasText: 'UNAUTHENTICATED' }).waitFor();
    await page.locator('#api-key').fill(personalKey);
    await page.locator('#api-key').dispatchEvent('change');
    await page.locator('#earnings-form button').click();
    await page.locator('#earnings-result').waitFor();
    assert.equal(await page.locator('#earnings-title').textContent(), 'Page Tester · gold');
    assert.equal(await page.locator('#earnings-total').textContent(), '15.75');
    assert.equal(await page.locator('#earnings-settled').textContent(), '12.50');
    assert.equal(await page.locator('#earnings-breakdown tr').count(), 3);
    assert.equal(await page.locator('#earnings-records li').count(), 3);
  });

  it('ran without a script error', () => {
    assert.deepEqual(
      errors.filter((text) => !/status of 401/.test(text)),
      [],
    );
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { silentLogger } from '../../../src/observability/logger.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { launchChromium } from '../../support/chromium.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { waitFor } from '../../support/wait-for.js';

describe('the demo search page showing price and stock change live, in a real Chromium', { timeout: 240_000 }, () => {
  const group = `it-live-page-${randomBytes(4).toString('hex')}`;
  const word = `glimmerkettle${randomBytes(3).toString('hex')}`;
  const ids = [uniqueId(), uniqueId(), uniqueId()];
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;
  let admin: Admin;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const topics = () => new RegExp(gateway.config.kafka.topicPattern);
  const hit = (id: number) => page.locator(`#results .hit[data-product-id="${id}"]`);

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group } });
    consumer = createCdcRuntime(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, group, topics());
    await consumer.start();
    await waitFor(() => (consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
    // Through the real pipeline: the consumer indexes them, so the page finds them by the word.
    for (const [index, id] of ids.entries())
      await insertProduct(writer, id, { name: `${word} ${index + 1}`, price: `${20 + index}.00`, stock: 5 });
    await waitForGroupCaughtUp(admin, group, topics(), 120_000);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await consumer?.stop();
    await admin?.disconnect();
    await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer?.end();
    await gateway?.close();
  });

  it("updates a shown product's price and stock in place when they change in MariaDB, and marks a deleted one", async () => {
    const origin = gateway.api.url.replace(/\/graphql$/, '');
    await page.goto(`${origin}/`);
    await page.locator('#search-input').fill(word);
    await page.locator('#search-input').press('Enter');
    // The searched answer, not the first page shown on load (which, with this test's fresh index, holds the same 3 products).
    await page.locator('#results mark').first().waitFor({ timeout: 30_000 });
    await page.locator('#summary', { hasText: '3 products' }).waitFor();
    await page.locator('#live-status', { hasText: 'live' }).waitFor();
    const [changed, deleted, untouched] = ids as [number, number, number];
    assert.equal(await hit(changed).locator('.hit-price').textContent(), '20.00');
    assert.equal(await hit(changed).locator('.hit-stock').textContent(), '5 in stock');
    // The page subscribes for the products it shows; wait until the gateway holds that subscription.
    await waitFor(
      () => (ids.every((id) => gateway.api.changes?.watches('Product', String(id))) ? true : null),
      10_000,
      'the page subscribed to its hits',
    );
    const renders = await page.locator('#results').getAttribute('data-renders');
    const errorsBefore = gateway.services.metrics.snapshot().graphql_errors;

    await execute(writer, 'UPDATE products SET price = ?, stock = ? WHERE id = ?', ['17.95', 2, changed]);
    await hit(changed).locator('.hit-price', { hasText: '17.95' }).waitFor({ timeout: 30_000 });
    assert.equal(await hit(changed).locator('.hit-stock').textContent(), '2 in stock');
    assert.match((await hit(changed).getAttribute('class')) ?? '', /hit-changed/);

    await execute(writer, 'UPDATE products SET stock = 0 WHERE id = ?', [changed]);
    await hit(changed).locator('.hit-stock', { hasText: 'out of stock' }).waitFor({ timeout: 30_000 });

    await execute(writer, 'DELETE FROM products WHERE id = ?', [deleted]);
    await hit(deleted).locator('.hit-stock', { hasText: 'no longer available' }).waitFor({ timeout: 30_000 });
    assert.match((await hit(deleted).getAttribute('class')) ?? '', /hit-gone/);

    assert.equal(await hit(untouched).locator('.hit-price').textContent(), '22.00', 'an unchanged product keeps its values');
    assert.equal(await page.locator('#results').getAttribute('data-renders'), renders, 'updated in place, without a new search');
    assert.equal(gateway.services.metrics.snapshot().graphql_errors, errorsBefore, 'no errors answered meanwhile');
    await page.screenshot({ path: '/tmp/live-search-page.png' }).catch(() => undefined);
    assert.deepEqual(errors, []);
  });
});

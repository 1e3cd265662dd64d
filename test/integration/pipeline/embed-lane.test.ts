import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { orderItemEntity } from '../../../src/schema/order-item.type.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import { liveDocumentsFilter } from '../../../src/index/search-documents.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import type { LivePipeline } from './pipeline-fixture.js';
import { startLivePipeline, waitUntil } from './pipeline-fixture.js';

/**
 * Order lines embed their product's brand. A burst of 1,000 brand changes to one hot product goes
 * through the real pipeline: the product's own document follows on the documents lane, the lines
 * follow on the embeds lane, which coalesces the burst, and both end on the last brand.
 */
describe('the embeds lane converges after a burst of 1,000 updates to one hot product', () => {
  let live: LivePipeline;
  let writer: Pool;
  const productId = uniqueId();
  const orderId = uniqueId();
  const itemIds = [uniqueId(), uniqueId(), uniqueId()];

  const brandsOfLines = async () => {
    const { search, config } = live.gateway.services;
    const index = searchAlias(config.elasticsearch.indexPrefix, orderItemEntity.search);
    await search.indices.refresh({ index });
    const found = await search.search<{ brand: string | null }>({
      index,
      query: { bool: { filter: [{ terms: { id: itemIds } }, liveDocumentsFilter] } },
      size: 10,
    });
    return found.hits.hits.map((hit) => hit._source?.brand ?? null);
  };
  /** Writes a line's document took so far (its _seq_no counts them; rewrites keep its _version). */
  const lineWrites = async () => {
    const { search, config } = live.gateway.services;
    const index = searchAlias(config.elasticsearch.indexPrefix, orderItemEntity.search);
    const found = await search.search({ index, query: { ids: { values: itemIds.map(String) } }, seq_no_primary_term: true, size: 10 });
    return found.hits.hits.reduce((sum, hit) => sum + (hit._seq_no ?? 0), 0);
  };
  const brandOfProduct = async () => {
    const { search, config } = live.gateway.services;
    const found = await search.get<{ brand: string }>(
      { index: searchAlias(config.elasticsearch.indexPrefix, productEntity.search), id: String(productId) },
      { ignore: [404] },
    );
    return found.found ? (found._source?.brand ?? null) : null;
  };

  before(async () => {
    writer = createWriterPool();
    live = await startLivePipeline();
    await insertProduct(writer, productId, { brand: 'brand-0' });
    await execute(writer, "INSERT INTO orders (id, user_id, status, total, currency) VALUES (?, 1, 'paid', 30.00, 'CNY')", [orderId]);
    for (const id of itemIds)
      await execute(writer, 'INSERT INTO order_items (id, order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, 1, 10.00)', [
        id,
        orderId,
        productId,
      ]);
    await waitUntil(
      async () => (await brandsOfLines()).filter((brand) => brand === 'brand-0').length === 3,
      60_000,
      'the order lines were indexed with the first brand',
    );
  });
  after(async () => {
    await live.close();
    await execute(writer, `DELETE FROM order_items WHERE id IN (${itemIds.map(() => '?').join(',')})`, itemIds);
    await execute(writer, 'DELETE FROM orders WHERE id = ?', [orderId]);
    await execute(writer, 'DELETE FROM products WHERE id = ?', [productId]);
    await writer.end();
  });

  it('ends with the product and every line on the last brand', async () => {
    const writesBefore = await lineWrites();
    const began = Date.now();
    for (let update = 1; update <= 1000; update += 1)
      await execute(writer, 'UPDATE products SET brand = ? WHERE id = ?', [`brand-${update}`, productId]);
    const written = Date.now();
    await waitUntil(async () => (await brandOfProduct()) === 'brand-1000', 60_000, 'the product document reached the last brand');
    await waitUntil(
      async () => (await brandsOfLines()).every((brand) => brand === 'brand-1000'),
      60_000,
      'every line reached the last brand',
    );
    const converged = Date.now();
    // _seq_no is per shard: the sum over the three lines bounds the rewrites from above.
    const rewrites = (await lineWrites()) - writesBefore;
    assert.ok(rewrites < 3 * 1000, `${rewrites} line writes for 3,000 embedded changes: the lane coalesced`);
    await live.caughtUp();
    const embeds = live.consumer.status().stores?.find((store) => store.store === 'elasticsearch-embeds');
    assert.ok(embeds, 'the embeds lane is a store of its own in the consumer status');
    assert.ok(embeds.partitions.every((partition) => partition.retrying === null));
    console.log(
      `# 1,000 updates written in ${written - began} ms; lines converged ${converged - written} ms after the last write; ${rewrites} line writes`,
    );
  });
});

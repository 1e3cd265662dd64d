import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { categoryEntity } from '../../../src/schema/category.type.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import type { EntityDeclaration, SearchMapping } from '../../../src/schema/entity.js';
import { defineEntity } from '../../../src/schema/entity.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { neverWritten } from '../../../src/index/bulk-writer.js';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { ensureIndices, guardAlias } from '../../../src/index/index-manager.js';
import { readGuardStates, relatedGuardKey } from '../../../src/index/sync-guards.js';
import { createSearchApplier } from '../../../src/sync/appliers/elasticsearch/search-applier.js';
import { readSyncState } from '../../../src/index/search-documents.js';
import type { Row } from '../../../src/rows/row.js';
import type { EntityChange } from '../../../src/sync/store-applier.js';

const esUrl = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const writerUrl = process.env['MYSQL_WRITER_URL'] ?? 'mysql://shop:shop@127.0.0.1:3306/shop';
const readerUrl = process.env['MYSQL_URL'] ?? 'mysql://gateway:gateway@127.0.0.1:3306/shop';

/**
 * The rewrite of embedding documents when a related row changes, against indices that never refresh
 * on their own (refresh_interval -1): what the applier finds must come from its own refresh or from
 * the shard's sequence numbers, never from a scheduled refresh that happened to run.
 * Products keep only the mapping fields of the integration-test distribution (no mapper-extras).
 */
const products = defineEntity({
  ...productEntity,
  search: { ...(productEntity.search as SearchMapping), properties: coreFields((productEntity.search as SearchMapping).properties) },
});
const categories = defineEntity({ ...categoryEntity, search: undefined });

function coreFields(properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const entries = Object.entries(properties).flatMap(([name, value]): [string, unknown][] => {
    const field = value as { type?: string; fields?: Record<string, unknown> };
    if (field.type === 'search_as_you_type') return [];
    if (field.type === 'scaled_float') return [[name, { type: 'double' }]];
    return [[name, field.fields === undefined ? field : { ...field, fields: coreFields(field.fields) }]];
  });
  return Object.fromEntries(entries);
}

describe('embedding rewrites on indices without scheduled refreshes', () => {
  const tag = randomBytes(4).toString('hex');
  const V = (1n << 59n) + BigInt(randomInt(0, 1_000_000)) * 1000n;
  const baseId = 9_000_000 + randomInt(0, 900_000);
  const writer = createMysqlPool({ url: writerUrl, poolSize: 2 });
  const reader = createMysqlPool({ url: readerUrl, poolSize: 2 });
  const rows = createRowSource({ pool: reader, metrics: createMetrics() });
  const registry = createEntityRegistry([categories, products]);
  const client = createElasticsearchClient({ url: esUrl, requestTimeoutMs: 10_000 });
  const categoryIds = [baseId, baseId + 1, baseId + 2];
  const productIds: number[] = [];
  let nextProduct = baseId + 10;
  const prefixes: string[] = [];

  async function freshIndices(): Promise<{ applier: ReturnType<typeof createSearchApplier>; alias: string; guards: string }> {
    const indexPrefix = `it-${tag}-${prefixes.length}-`;
    prefixes.push(indexPrefix);
    await ensureIndices({ client, registry, indexPrefix, logger: silentLogger, layout: { settings: { refresh_interval: '-1' } } });
    return {
      applier: createSearchApplier({ client, rows, registry, indexPrefix, logger: silentLogger }),
      alias: `${indexPrefix}products`,
      guards: guardAlias(indexPrefix),
    };
  }

  before(async () => {
    for (const id of categoryIds)
      await writer.query('INSERT INTO categories (id, parent_id, name, slug) VALUES (?, NULL, ?, ?)', [
        id,
        `Garden ${id} ${tag}`,
        `it-${tag}-${id}`,
      ]);
  });

  after(async () => {
    if (productIds.length > 0) await writer.query('DELETE FROM products WHERE id IN (?)', [productIds]);
    await writer.query('DELETE FROM categories WHERE id IN (?)', [categoryIds]);
    await Promise.all([writer.end(), reader.end()]);
    for (const prefix of prefixes) await deleteIndices(client, prefix);
    await client.close();
  });

  async function insertProduct(categoryId: number): Promise<Row> {
    const id = nextProduct++;
    productIds.push(id);
    await writer.query(
      "INSERT INTO products (id, sku, name, description, category_id, brand, price, stock, status, is_featured, tags) VALUES (?, ?, ?, NULL, ?, 'Acme', '9.90', 3, 'active', 0, '[]')",
      [id, `it-${tag}-${id}`, `Rake ${id} ${tag}`, categoryId],
    );
    return readRow(products, id);
  }

  async function renameCategory(id: number, name: string): Promise<Row> {
    await writer.query('UPDATE categories SET name = ? WHERE id = ?', [name, id]);
    return readRow(categories, id);
  }

  async function readRow(entity: EntityDeclaration, id: number): Promise<Row> {
    const row = (await rows.selectByIds(entity, [String(id)])).get(String(id));
    assert.ok(row, `${entity.table} ${id} was just written`);
    return row;
  }

  /** Realtime: the document as written, refreshed or not. */
  async function embedded(alias: string, row: Row): Promise<{ name: unknown; version: bigint | undefined }> {
    const found = await client.get({ index: alias, id: String(Number(row.id)), realtime: true });
    const source = found._source as Record<string, unknown>;
    return { name: source['category_name'], version: readSyncState(source)?.embeds['categories']?.version };
  }

  it('rewrites a product written a moment ago, not yet refreshed, when its category is renamed', async () => {
    const { applier, alias } = await freshIndices();
    const product = await insertProduct(categoryIds[0] ?? 0);
    await applier.apply({ changes: [change(products, product, V + 1n)], truncates: [] });
    assert.equal(await neverWritten(client, alias), false, 'the unrefreshed write counts');
    const renamed = await renameCategory(categoryIds[0] ?? 0, `Jardin ${tag}`);
    assert.deepEqual(await applier.apply({ changes: [change(categories, renamed, V + 2n)], truncates: [] }), { applied: 1, stale: 0 });
    assert.deepEqual(await embedded(alias, product), { name: `Jardin ${tag}`, version: V + 2n });
  });

  it('raises the guard of a category no document embeds yet, so the first product written later records its version', async () => {
    const { applier, alias } = await freshIndices();
    const renamed = await renameCategory(categoryIds[1] ?? 0, `Huerto ${tag}`);
    assert.deepEqual(await applier.apply({ changes: [change(categories, renamed, V + 5n)], truncates: [] }), { applied: 1, stale: 0 });
    assert.equal(await neverWritten(client, alias), true, 'nothing was written to the products index');
    const product = await insertProduct(categoryIds[1] ?? 0);
    await applier.apply({ changes: [change(products, product, V + 6n)], truncates: [] });
    assert.deepEqual(await embedded(alias, product), { name: `Huerto ${tag}`, version: V + 5n });
    const older = change(categories, { ...renamed, name: 'stale name' }, V + 4n);
    assert.deepEqual(await applier.apply({ changes: [older], truncates: [] }), { applied: 0, stale: 1 });
    assert.equal((await embedded(alias, product)).name, `Huerto ${tag}`);
  });

  it('writes no guard and no document for a category change its products do not read, and still refuses an older rename after it', async () => {
    const { applier, alias, guards } = await freshIndices();
    const categoryId = categoryIds[1] ?? 0;
    const guardVersion = async () =>
      (await readGuardStates(client, guards, [relatedGuardKey('categories', String(categoryId))])).get(
        relatedGuardKey('categories', String(categoryId)),
      )?.version;
    const product = await insertProduct(categoryId);
    const renamed = await renameCategory(categoryId, `Verger ${tag}`);
    await applier.apply({ changes: [change(categories, renamed, V + 20n), change(products, product, V + 21n)], truncates: [] });
    assert.deepEqual(await embedded(alias, product), { name: `Verger ${tag}`, version: V + 20n });
    const reslugged = { ...renamed, slug: `it-${tag}-reslugged` };
    assert.deepEqual(await applier.apply({ changes: [change(categories, reslugged, V + 22n)], truncates: [] }), { applied: 1, stale: 0 });
    assert.equal(await guardVersion(), V + 20n, 'a change no embedding reads leaves the guard where the last rename put it');
    assert.deepEqual(await embedded(alias, product), { name: `Verger ${tag}`, version: V + 20n }, 'and rewrites no product');
    const olderRename = change(categories, { ...renamed, name: 'stale name' }, V + 19n);
    assert.deepEqual(await applier.apply({ changes: [olderRename], truncates: [] }), { applied: 0, stale: 1 });
    const replayedSameVersion = change(categories, { ...renamed, name: 'stale name' }, V + 20n);
    await applier.apply({ changes: [replayedSameVersion], truncates: [] });
    assert.equal(
      (await embedded(alias, product)).name,
      `Verger ${tag}`,
      'a replay of the rename at its own version with other values changes nothing',
    );
    const newer = await renameCategory(categoryId, `Bosquet ${tag}`);
    assert.deepEqual(await applier.apply({ changes: [change(categories, newer, V + 23n)], truncates: [] }), { applied: 1, stale: 0 });
    assert.deepEqual(await embedded(alias, product), { name: `Bosquet ${tag}`, version: V + 23n });
    assert.equal(await guardVersion(), V + 23n);
  });

  it('gives a product and its category changed in one batch the category version that batch applied', async () => {
    const { applier, alias } = await freshIndices();
    const product = await insertProduct(categoryIds[2] ?? 0);
    await applier.apply({ changes: [change(products, product, V + 10n)], truncates: [] });
    const renamed = await renameCategory(categoryIds[2] ?? 0, `Potager ${tag}`);
    const updated = { ...product, stock: 7 };
    const outcome = await applier.apply({
      changes: [change(categories, renamed, V + 11n), change(products, updated, V + 12n)],
      truncates: [],
    });
    assert.deepEqual(outcome, { applied: 2, stale: 0 });
    assert.deepEqual(await embedded(alias, product), { name: `Potager ${tag}`, version: V + 11n });
  });
});

function change(entity: EntityDeclaration, row: Row, version: bigint): EntityChange {
  const id = Number(row.id);
  return {
    entity,
    id: String(id),
    change: {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: entity.table,
      op: 'update',
      key: { id },
      after: row,
      before: null,
      version,
      committedAtMs: Date.now(),
      needsReread: false,
    },
  };
}

async function deleteIndices(client: Client, prefix: string): Promise<void> {
  const { indices } = await client.indices.resolveIndex({ name: `${prefix}*` });
  if (indices.length > 0) await client.indices.delete({ index: indices.map((index) => index.name) });
}

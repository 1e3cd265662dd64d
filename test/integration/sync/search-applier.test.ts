import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { isGatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { categoryEntity } from '../../../src/schema/category.type.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import type { EntityDeclaration, SearchMapping } from '../../../src/schema/entity.js';
import { defineEntity } from '../../../src/schema/entity.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { ensureIndices } from '../../../src/index/index-manager.js';
import { createSearchApplier } from '../../../src/sync/appliers/elasticsearch/search-applier.js';
import { liveDocumentsFilter, readSyncState } from '../../../src/index/search-documents.js';
import type { RowOp } from '../../../src/sync/change.js';
import type { Row } from '../../../src/rows/row.js';
import type { EntityChange } from '../../../src/sync/store-applier.js';

const esUrl = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const writerUrl = process.env['MYSQL_WRITER_URL'] ?? 'mysql://shop:shop@127.0.0.1:3306/shop';
const readerUrl = process.env['MYSQL_URL'] ?? 'mysql://gateway:gateway@127.0.0.1:3306/shop';

/**
 * The products declaration with its own toDocument, minus the two field types of the mapper-extras
 * module (scaled_float, search_as_you_type): the local stack's Elasticsearch is the
 * integration-test distribution, which lacks that module. The declared mapping itself is checked
 * by the last test of this file.
 */
const products = defineEntity({
  ...productEntity,
  search: {
    ...(productEntity.search as SearchMapping),
    properties: withoutMapperExtras((productEntity.search as SearchMapping).properties),
  },
});

/**
 * Categories as a plain embedded table: the shop declares them searchable too, which would add the
 * category's own document to every count below.
 */
const categories = defineEntity({ ...categoryEntity, search: undefined });

function withoutMapperExtras(properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const entries = Object.entries(properties).flatMap(([name, value]): [string, unknown][] => {
    const field = value as { type?: string; fields?: Record<string, unknown> };
    if (field.type === 'search_as_you_type') return [];
    if (field.type === 'scaled_float') return [[name, { type: 'double' }]];
    return [[name, field.fields === undefined ? field : { ...field, fields: withoutMapperExtras(field.fields) }]];
  });
  return Object.fromEntries(entries);
}

describe('search applier against real Elasticsearch and MariaDB', () => {
  const tag = randomBytes(4).toString('hex');
  const indexPrefix = `it-${tag}-`;
  const baseId = 9_000_000 + randomInt(0, 900_000);
  /** Above 2^53, so any rounding through a JS number would show. */
  const V = (1n << 60n) + BigInt(randomInt(0, 1_000_000)) * 1000n;
  const writer = createMysqlPool({ url: writerUrl, poolSize: 2 });
  const reader = createMysqlPool({ url: readerUrl, poolSize: 2 });
  const rows = createRowSource({ pool: reader, metrics: createMetrics() });
  const registry = createEntityRegistry([categories, products]);
  const client = createElasticsearchClient({ url: esUrl, requestTimeoutMs: 10_000 });
  const applier = createSearchApplier({ client, rows, registry, indexPrefix, logger: silentLogger });
  const alias = `${indexPrefix}products`;
  const categoryId = baseId;
  const productIds: number[] = [];
  let nextProduct = baseId + 1;

  before(async () => {
    await ensureIndices({ client, registry, indexPrefix, logger: silentLogger, layout: { settings: { 'index.gc_deletes': '0s' } } });
    await writer.query('INSERT INTO categories (id, parent_id, name, slug) VALUES (?, NULL, ?, ?)', [
      categoryId,
      `Kitchen ${tag}`,
      `it-${tag}-kitchen`,
    ]);
  });

  after(async () => {
    if (productIds.length > 0) await writer.query('DELETE FROM products WHERE id IN (?)', [productIds]);
    await writer.query('DELETE FROM categories WHERE id = ?', [categoryId]);
    await Promise.all([writer.end(), reader.end()]);
    await deleteIndices(client, indexPrefix);
    await client.close();
  });

  async function insertProduct(name: string): Promise<Row> {
    const id = nextProduct++;
    productIds.push(id);
    await writer.query(
      "INSERT INTO products (id, sku, name, description, category_id, brand, price, stock, status, is_featured, tags) VALUES (?, ?, ?, NULL, ?, 'Acme', '19.90', 3, 'active', 0, '[]')",
      [id, `it-${tag}-${id}`, name, categoryId],
    );
    return readRow(products, id);
  }

  async function readRow(entity: EntityDeclaration, id: number): Promise<Row> {
    const row = (await rows.selectByIds(entity, [String(id)])).get(String(id));
    assert.ok(row, `${entity.table} ${id} was just written`);
    return row;
  }

  async function document(id: number): Promise<{ version: bigint; source: Record<string, unknown> } | null> {
    // Raw text: the client's JSON.parse would round a _version above 2^53.
    const response = await fetch(`${esUrl}/${alias}/_doc/${String(id)}`);
    if (response.status === 404) return null;
    const text = await response.text();
    const version = /"_version":(\d+)/.exec(text)?.[1];
    assert.ok(version, text);
    return { version: BigInt(version), source: (JSON.parse(text) as { _source: Record<string, unknown> })._source };
  }

  async function liveIds(ids: readonly number[]): Promise<string[]> {
    await client.indices.refresh({ index: alias });
    const found = await client.search({
      index: alias,
      query: { bool: { filter: [liveDocumentsFilter, { ids: { values: ids.map(String) } }] } },
    });
    return found.hits.hits.map((hit) => hit._id ?? '').sort();
  }

  it('writes a batch of upserts, searchable after refresh, with the exact external version', async () => {
    const mug = await insertProduct(`Mug ${tag}`);
    const cup = await insertProduct(`東京 マグカップ ${tag}`);
    const outcome = await applier.apply({ changes: [rowChange(products, mug, V + 1n), rowChange(products, cup, V + 2n)], truncates: [] });
    assert.deepEqual(outcome, { applied: 2, stale: 0 });
    assert.deepEqual(await liveIds([idOf(mug), idOf(cup)]), [String(idOf(mug)), String(idOf(cup))].sort());
    const stored = await document(idOf(mug));
    assert.equal(stored?.version, V + 1n);
    assert.equal(stored?.source.category_name, `Kitchen ${tag}`);
    const cjk = await client.search({
      index: alias,
      query: { bool: { filter: [liveDocumentsFilter], must: [{ match: { name: '東京' } }] } },
    });
    assert.deepEqual(
      cjk.hits.hits.map((hit) => hit._id),
      [String(idOf(cup))],
    );
  });

  it('leaves the document alone when an older update is replayed', async () => {
    const row = await insertProduct(`Bowl ${tag}`);
    await applier.apply({ changes: [rowChange(products, { ...row, name: 'newer' }, V + 20n)], truncates: [] });
    const outcome = await applier.apply({ changes: [rowChange(products, { ...row, name: 'older' }, V + 10n)], truncates: [] });
    assert.deepEqual(outcome, { applied: 0, stale: 1 });
    const stored = await document(idOf(row));
    assert.equal(stored?.source.name, 'newer');
    assert.equal(stored?.version, V + 20n);
  });

  it('keeps a deleted row deleted when an older update is replayed, even after gc_deletes forgot plain deletes', async () => {
    const row = await insertProduct(`Plate ${tag}`);
    await applier.apply({ changes: [rowChange(products, row, V + 10n)], truncates: [] });
    await applier.apply({ changes: [rowChange(products, null, V + 30n, 'delete', idOf(row))], truncates: [] });
    assert.deepEqual(await liveIds([idOf(row)]), []);

    // Control: on this index (gc_deletes 0s) a plain versioned delete is forgotten and the replay wins.
    const control = `control-${tag}`;
    await client.index({ index: alias, id: control, version: 10, version_type: 'external', document: {} });
    await client.delete({ index: alias, id: control, version: 30, version_type: 'external' });
    await client.indices.refresh({ index: alias });
    await sleep(1_100);
    await client.indices.refresh({ index: alias });
    await client.index({ index: alias, id: control, version: 20, version_type: 'external', document: {} });
    assert.ok(await client.exists({ index: alias, id: control }), 'a plain delete should have been forgotten');

    const outcome = await applier.apply({ changes: [rowChange(products, { ...row, name: 'resurrected?' }, V + 20n)], truncates: [] });
    assert.deepEqual(outcome, { applied: 0, stale: 1 });
    assert.deepEqual(await liveIds([idOf(row)]), []);
    assert.equal(readSyncState((await document(idOf(row)))?.source)?.deleted, true);
  });

  it('renames the category inside its products, and an older category change replayed later does not revert it', async () => {
    const row = await insertProduct(`Jug ${tag}`);
    await applier.apply({ changes: [rowChange(products, row, V + 10n)], truncates: [] });
    await writer.query('UPDATE categories SET name = ? WHERE id = ?', [`Cuisine ${tag}`, categoryId]);
    const renamed = await readRow(categories, categoryId);
    const C = V + 500n;
    assert.deepEqual(await applier.apply({ changes: [rowChange(categories, renamed, C + 100n)], truncates: [] }), { applied: 1, stale: 0 });
    const rewritten = await document(idOf(row));
    assert.equal(rewritten?.source.category_name, `Cuisine ${tag}`);
    assert.equal(rewritten?.version, V + 10n, 'an embed rewrite keeps the row version');

    const older = rowChange(categories, { ...renamed, name: 'stale name' }, C + 50n);
    assert.deepEqual(await applier.apply({ changes: [older], truncates: [] }), { applied: 0, stale: 1 });
    assert.equal((await document(idOf(row)))?.source.category_name, `Cuisine ${tag}`);

    // A document rebuilt from the database after the rename records the category's applied version.
    await applier.apply({ changes: [rowChange(products, { ...row, stock: 9 }, V + 11n)], truncates: [] });
    await applier.apply({ changes: [older], truncates: [] });
    const rebuilt = await document(idOf(row));
    assert.equal(rebuilt?.source.category_name, `Cuisine ${tag}`);
    assert.equal(rebuilt?.source.stock, 9);
  });

  it('skips a document Elasticsearch rejects instead of blocking the batch', async () => {
    const good = await insertProduct(`Tray ${tag}`);
    const bad = await insertProduct(`Lid ${tag}`);
    const outcome = await applier.apply({
      changes: [rowChange(products, good, V + 10n), rowChange(products, { ...bad, stock: 'lots' }, V + 10n)],
      truncates: [],
    });
    assert.deepEqual(outcome, { applied: 1, stale: 0 });
    assert.equal(await document(idOf(bad)), null);
    assert.equal((await document(idOf(good)))?.version, V + 10n);
  });

  it('purges tombstones older than the retention', async () => {
    const row = await insertProduct(`Fork ${tag}`);
    await applier.apply({ changes: [rowChange(products, null, V + 5n, 'delete', idOf(row))], truncates: [] });
    await client.indices.refresh({ index: alias });
    assert.equal(await applier.purgeTombstones(60_000), 0);
    await sleep(5);
    assert.ok((await applier.purgeTombstones(0)) >= 1);
    assert.equal(await document(idOf(row)), null);
  });

  // Last of the writing tests: the truncate's floor refuses every later change below T on this index.
  it('empties the index on truncate and refuses older changes replayed afterwards', async () => {
    const first = await insertProduct(`Pan ${tag}`);
    const second = await insertProduct(`Pot ${tag}`);
    const T = V + 1_000_000n;
    await applier.apply({ changes: [rowChange(products, first, T - 10n), rowChange(products, second, T - 9n)], truncates: [] });
    await applier.apply({ changes: [], truncates: [{ entity: products, version: T }] });
    assert.deepEqual(await liveIds([idOf(first), idOf(second)]), []);
    assert.equal(await document(idOf(first)), null, 'deleted, not tombstoned');
    const replay = await applier.apply({ changes: [rowChange(products, first, T - 5n)], truncates: [] });
    assert.deepEqual(replay, { applied: 0, stale: 1 });
    await applier.apply({ changes: [rowChange(products, second, T + 1n)], truncates: [] });
    assert.deepEqual(await liveIds([idOf(first), idOf(second)]), [String(idOf(second))]);

    // A truncate of the embedded table empties the embed; an older category change stays out.
    assert.deepEqual(await applier.apply({ changes: [], truncates: [{ entity: categories, version: T + 2n }] }), { applied: 1, stale: 0 });
    assert.equal((await document(idOf(second)))?.source.category_name, null);
    const category = await readRow(categories, categoryId);
    assert.deepEqual(await applier.apply({ changes: [rowChange(categories, category, T + 1n)], truncates: [] }), { applied: 0, stale: 1 });
    assert.deepEqual(await applier.apply({ changes: [rowChange(categories, category, T + 3n)], truncates: [] }), { applied: 1, stale: 0 });
    assert.equal((await document(idOf(second)))?.source.category_name, category.name);
  });

  it('rejects with a retriable SEARCH_UNAVAILABLE when Elasticsearch cannot be reached', async () => {
    const unreachable = createElasticsearchClient({ url: 'http://127.0.0.1:1', requestTimeoutMs: 1_000, maxRetries: 0 });
    const offline = createSearchApplier({ client: unreachable, rows, registry, indexPrefix, logger: silentLogger });
    const row = await insertProduct(`Spoon ${tag}`);
    await assert.rejects(offline.apply({ changes: [rowChange(products, row, V)], truncates: [] }), (error: unknown) => {
      assert.ok(isGatewayError(error), String(error));
      assert.equal(error.code, 'SEARCH_UNAVAILABLE');
      assert.equal(error.retriable, true);
      return true;
    });
    await unreachable.close();
  });

  it('creates each index and alias once when two processes start together', async () => {
    const prefix = `it-${tag}-race-`;
    try {
      const results = await Promise.all([1, 2].map(() => ensureIndices({ client, registry, indexPrefix: prefix, logger: silentLogger })));
      assert.equal(results.flatMap((result) => result.created).length, 2, 'guard index and products index, once each');
      const aliases = await client.indices.getAlias({ name: `${prefix}products` });
      assert.equal(Object.keys(aliases).length, 1);
      assert.deepEqual((await ensureIndices({ client, registry, indexPrefix: prefix, logger: silentLogger })).created, []);
    } finally {
      await deleteIndices(client, prefix);
    }
  });

  it("creates the shop registry's indices with the declared mappings", async () => {
    const prefix = `it-${tag}-shop-`;
    try {
      await ensureIndices({ client, registry: createShopRegistry(), indexPrefix: prefix, logger: silentLogger });
      assert.ok(await client.indices.existsAlias({ name: `${prefix}products` }));
    } finally {
      await deleteIndices(client, prefix);
    }
  });
});

const idOf = (row: Row): number => Number(row.id);

function rowChange(
  entity: EntityDeclaration,
  row: Row | null,
  version: bigint,
  op: RowOp = 'update',
  id: number = row === null ? 0 : idOf(row),
): EntityChange {
  return {
    entity,
    id: String(id),
    change: {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: entity.table,
      op,
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

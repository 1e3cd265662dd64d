import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { productEntity } from '../../../src/schema/product.type.js';
import type { SearchMapping } from '../../../src/schema/entity.js';
import type { Row } from '../../../src/rows/row.js';
import { MAX_ROW_VERSION } from '../../../src/rows/row.js';
import type { BulkOperation } from '../../../src/index/search-documents.js';
import {
  SYNC_FIELD,
  bulkNdjson,
  classifyBulkItem,
  embedsOutdated,
  liveDocument,
  liveDocumentsFilter,
  readSyncState,
  tombstoneDocument,
  versionBelow,
} from '../../../src/index/search-documents.js';

const mapping = productEntity.search as SearchMapping;
const productRow: Row = {
  id: 42,
  sku: 'SKU-42',
  name: 'Mug',
  description: null,
  category_id: 7,
  brand: 'Acme',
  price: '19.90',
  stock: 3,
  status: 'active',
  is_featured: false,
  tags: ['kitchen'],
  attributes: null,
  created_at: '2025-03-01T10:15:30.123Z',
  updated_at: '2025-03-01T10:15:30.123Z',
};
const category: Row = {
  id: 7,
  parent_id: 2,
  name: 'Kitchen',
  slug: 'kitchen',
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
};

describe('bulkNdjson', () => {
  it('writes versions above 2^53 as exact integer text', () => {
    const version = 9_007_199_254_740_993n; // 2^53 + 1: a JS number would round it to 2^53
    const body = bulkNdjson([
      { action: 'index', index: 'gw-products', id: '42', version, versionType: 'external', document: { name: 'Mug' } },
    ]);
    assert.equal(
      body,
      '{"index":{"_index":"gw-products","_id":"42","version":9007199254740993,"version_type":"external"}}\n{"name":"Mug"}\n',
    );
  });

  it('accepts the largest row version and writes delete actions without a document line', () => {
    const body = bulkNdjson([{ action: 'delete', index: 'gw-products', id: '1', version: MAX_ROW_VERSION, versionType: 'external_gte' }]);
    assert.equal(body, '{"delete":{"_index":"gw-products","_id":"1","version":9223372036854775807,"version_type":"external_gte"}}\n');
  });

  it('escapes index names and ids as JSON strings', () => {
    const body = bulkNdjson([{ action: 'delete', index: 'a"b', id: 'x\ny', version: 1n, versionType: 'external_gte' }]);
    assert.equal((JSON.parse(body.trim()) as { delete: { _id: string } }).delete._id, 'x\ny');
  });

  it('produces an empty body for no operations and one line pair per index operation', () => {
    assert.equal(bulkNdjson([]), '');
    const operations: BulkOperation[] = [1n, 2n].map((version) => ({
      action: 'index',
      index: 'i',
      id: String(version),
      version,
      versionType: 'external',
      document: {},
    }));
    assert.equal(bulkNdjson(operations).split('\n').length, 5);
  });

  it('refuses versions Elasticsearch cannot store as an external version', () => {
    assert.throws(
      () => bulkNdjson([{ action: 'delete', index: 'i', id: '1', version: MAX_ROW_VERSION + 1n, versionType: 'external_gte' }]),
      RangeError,
    );
    assert.throws(() => bulkNdjson([{ action: 'delete', index: 'i', id: '1', version: -1n, versionType: 'external_gte' }]), RangeError);
  });
});

describe('classifyBulkItem', () => {
  it('treats a version conflict as already applied (stale)', () => {
    assert.equal(classifyBulkItem(409, true), 'stale');
  });

  it('retries throttling, server errors and a missing alias', () => {
    for (const status of [429, 500, 503, 408]) assert.equal(classifyBulkItem(status, true), 'retry');
    assert.equal(classifyBulkItem(404, true), 'retry');
  });

  it('counts a delete of a missing document as done and a mapping error as rejected', () => {
    assert.equal(classifyBulkItem(404, false), 'applied');
    assert.equal(classifyBulkItem(400, true), 'rejected');
    assert.equal(classifyBulkItem(201, false), 'applied');
  });
});

describe('live documents and tombstones', () => {
  it('adds the sync state to the entity document and reads it back exactly', () => {
    const version = 8_000_000_000_000_000_123n;
    const document = liveDocument(
      mapping,
      { row: productRow, related: { categories: category } },
      version,
      { categories: { id: '7', version: 2n ** 60n + 5n } },
      1_700_000_000_000,
    );
    assert.equal(document.category_name, 'Kitchen');
    const state = readSyncState(JSON.parse(JSON.stringify(document)));
    assert.equal(state?.version, version);
    assert.equal(state?.deleted, false);
    assert.deepEqual(state?.embeds, { categories: { id: '7', version: 2n ** 60n + 5n } });
    assert.deepEqual(state?.inputs, { row: productRow, related: { categories: category } });
  });

  it('stores only the row columns the document does not hold unchanged, and reads the row back whole', () => {
    const row = { ...productRow, tags: null, attributes: { color: 'red' } };
    const document = liveDocument(mapping, { row, related: { categories: category } }, 3n, { categories: { id: '7', version: 0n } }, 1);
    const stored = (document[SYNC_FIELD] as { inputs: { row: Record<string, unknown>; from_document: string[] } }).inputs;
    // tags becomes [] in the document (not equal to null): kept; attributes is not a document field: kept.
    assert.deepEqual(Object.keys(stored.row).sort(), ['attributes', 'tags']);
    assert.ok(stored.from_document.includes('name') && stored.from_document.includes('price'));
    const state = readSyncState(JSON.parse(JSON.stringify(document)));
    assert.deepEqual(state?.inputs?.row, row);
  });

  it('keeps only the id and the delete version in a tombstone', () => {
    const tombstone = tombstoneDocument(productEntity, '42', 10n, 5);
    assert.deepEqual(tombstone, { id: '42', [SYNC_FIELD]: { deleted: true, version: '0000000000000000010', written_at: 5 } });
    assert.equal(readSyncState(tombstone)?.deleted, true);
    assert.equal(readSyncState(tombstone)?.inputs, null);
  });

  it('reads nothing from a document the gateway did not write', () => {
    assert.equal(readSyncState({ name: 'x' }), null);
    assert.equal(readSyncState(null), null);
  });

  it('excludes tombstones with the exported filter', () => {
    assert.deepEqual(liveDocumentsFilter, { bool: { must_not: [{ term: { [`${SYNC_FIELD}.deleted`]: true } }] } });
  });
});

describe('queries over padded versions', () => {
  it('compares versions as fixed-width strings so string order is numeric order', () => {
    assert.deepEqual(versionBelow(12n), { range: { [`${SYNC_FIELD}.version`]: { lt: '0000000000000000012' } } });
  });

  it('selects live documents whose embed is older than the change, per related id', () => {
    const query = embedsOutdated('categories', [{ id: '7', version: 30n }]);
    assert.deepEqual(query, {
      bool: {
        filter: [
          liveDocumentsFilter,
          {
            bool: {
              should: [
                {
                  bool: {
                    filter: [{ term: { [`${SYNC_FIELD}.embeds.categories.id`]: '7' } }],
                    must_not: [{ range: { [`${SYNC_FIELD}.embeds.categories.version`]: { gte: '0000000000000000030' } } }],
                  },
                },
              ],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('selects every embedding document for a truncate of the related table', () => {
    const query = JSON.stringify(embedsOutdated('categories', [{ id: null, version: 30n }]));
    assert.match(query, /"exists":\{"field":"gateway_sync\.embeds\.categories\.id"\}/);
  });
});

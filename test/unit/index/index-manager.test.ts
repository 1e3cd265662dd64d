import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchMapping } from '../../../src/schema/entity.js';
import { productEntity } from '../../../src/schema/product.type.js';
import {
  SEARCH_MAPPING_VERSION,
  entityIndexBody,
  mappingFingerprint,
  multilingualAnalyzer,
  physicalIndexName,
} from '../../../src/index/index-manager.js';
import { SYNC_FIELD } from '../../../src/index/search-documents.js';

const mapping = productEntity.search as SearchMapping;
const layout = { shards: 1, replicas: 0 };

describe('physicalIndexName', () => {
  it('names the index after its alias, mapping version and creation time', () => {
    assert.equal(physicalIndexName('gw-products', 3, Date.UTC(2025, 2, 1, 10, 15, 30, 123)), 'gw-products-v3-20250301101530123');
  });
});

describe('multilingualAnalyzer', () => {
  it('bigrams CJK and folds width and accents when analysis-common is available', () => {
    assert.deepEqual(multilingualAnalyzer('cjk'), {
      type: 'custom',
      tokenizer: 'standard',
      filter: ['cjk_width', 'lowercase', 'asciifolding', 'cjk_bigram'],
    });
  });

  it('falls back to core filters only', () => {
    assert.deepEqual(multilingualAnalyzer('core'), { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] });
  });
});

describe('entityIndexBody', () => {
  it('defines the multilingual analyzer, a 1 s refresh and the internal sync field', () => {
    const body = entityIndexBody(mapping, 'cjk', layout) as {
      settings: Record<string, unknown> & { analysis: { analyzer: Record<string, unknown> } };
      mappings: { dynamic: unknown; _meta: unknown; properties: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(body.settings.refresh_interval, '1s');
    assert.equal(body.settings.number_of_shards, 1);
    assert.equal(body.settings.number_of_replicas, 0);
    assert.equal(body.settings['index.gc_deletes'], undefined);
    assert.ok(body.settings.analysis.analyzer.multilingual);
    assert.equal(body.mappings.dynamic, false);
    assert.deepEqual(body.mappings._meta, {
      gateway: { mapping_version: SEARCH_MAPPING_VERSION, analysis: 'cjk', fingerprint: mappingFingerprint(mapping, 'cjk') },
    });
    assert.deepEqual(Object.keys(body.mappings.properties[SYNC_FIELD]?.properties ?? {}), [
      'deleted',
      'version',
      'written_at',
      'embeds',
      'inputs',
    ]);
    assert.deepEqual(body.mappings.properties.name, mapping.properties.name);
  });

  it('merges extra settings last, e.g. gc_deletes for tests', () => {
    const body = entityIndexBody(mapping, 'core', { ...layout, settings: { 'index.gc_deletes': '0s' } }) as {
      settings: Record<string, unknown>;
    };
    assert.equal(body.settings['index.gc_deletes'], '0s');
  });

  it('refuses a mapping that declares the reserved sync field', () => {
    const clashing: SearchMapping = { ...mapping, properties: { ...mapping.properties, [SYNC_FIELD]: { type: 'keyword' } } };
    assert.throws(() => entityIndexBody(clashing, 'cjk', layout), /reserved field/);
  });
});

describe('mappingFingerprint', () => {
  it('is stable for the same declaration and changes with the analyzer or a field mapping', () => {
    const base = mappingFingerprint(mapping, 'core');
    assert.equal(mappingFingerprint({ ...mapping }, 'core'), base);
    assert.notEqual(mappingFingerprint(mapping, 'cjk'), base);
    assert.notEqual(mappingFingerprint({ ...mapping, properties: { ...mapping.properties, stock: { type: 'long' } } }, 'core'), base);
  });

  it('ignores the index layout, which a reindex does not need to change', () => {
    const a = entityIndexBody(mapping, 'core', { shards: 1, replicas: 0 }) as { mappings: { _meta: unknown } };
    const b = entityIndexBody(mapping, 'core', { shards: 3, replicas: 1, settings: { refresh_interval: '5s' } }) as {
      mappings: { _meta: unknown };
    };
    assert.deepEqual(a.mappings._meta, b.mappings._meta);
  });
});

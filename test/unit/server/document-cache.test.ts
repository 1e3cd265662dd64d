import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { createDocumentCache } from '../../../src/server/document-cache.js';
import { plannedDocument } from '../../../src/server/execution-plans.js';

describe('document cache', () => {
  it('evicts the least recently used text beyond the document bound', () => {
    const cache = createDocumentCache({ maxDocuments: 2, maxCharacters: 1_000 });
    cache.set('{ a }', plannedDocument(parse('{ a }')));
    cache.set('{ b }', 'invalid');
    assert.ok(cache.get('{ a }') !== undefined, 'a is now the most recently used');
    cache.set('{ c }', plannedDocument(parse('{ c }')));
    assert.equal(cache.get('{ b }'), undefined);
    assert.ok(cache.get('{ a }') !== undefined);
    assert.ok(cache.get('{ c }') !== undefined);
    assert.equal(cache.size, 2);
  });

  it('bounds the total length of the cached texts, and never caches a text longer than that', () => {
    const cache = createDocumentCache({ maxDocuments: 100, maxCharacters: 12 });
    cache.set('{ aaa }', 'invalid');
    cache.set('{ bbb }', 'invalid');
    assert.equal(cache.get('{ aaa }'), undefined, 'two texts of 7 exceed 12 characters');
    assert.equal(cache.get('{ bbb }'), 'invalid');
    cache.set('{ a_very_long_field }', 'invalid');
    assert.equal(cache.get('{ a_very_long_field }'), undefined);
    assert.equal(cache.get('{ bbb }'), 'invalid', 'an oversized text evicts nothing');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../../src/errors.js';
import { decodeSearchCursor, encodeSearchCursor, searchFingerprint } from '../../../src/search/search-cursor.js';

const badInput = (error: unknown) => isGatewayError(error) && error.code === 'BAD_USER_INPUT';

describe('search cursors', () => {
  const fingerprint = searchFingerprint({ text: 'mug', sort: 'RELEVANCE' });

  it('round-trips the sort values of the last hit', () => {
    const cursor = encodeSearchCursor(fingerprint, [1.2345678, 42]);
    assert.deepEqual(decodeSearchCursor(cursor, fingerprint, ['number', 'integer']), [1.2345678, 42]);
    assert.equal(decodeSearchCursor(null, fingerprint, ['number']), null);
    assert.equal(decodeSearchCursor(undefined, fingerprint, ['number']), null);
  });

  it('ties a cursor to its search: another text, filter or sort is refused', () => {
    const cursor = encodeSearchCursor(fingerprint, [1, 42]);
    assert.throws(() => decodeSearchCursor(cursor, searchFingerprint({ text: 'cup', sort: 'RELEVANCE' }), ['number', 'integer']), badInput);
    assert.notEqual(searchFingerprint({ a: 1 }), searchFingerprint({ a: 2 }));
  });

  it('refuses forged or damaged cursors before they reach Elasticsearch', () => {
    const forged = (values: unknown[]) => encodeSearchCursor(fingerprint, values);
    assert.throws(() => decodeSearchCursor(forged([1]), fingerprint, ['number', 'integer']), badInput, 'wrong length');
    assert.throws(() => decodeSearchCursor(forged([1, 1.5]), fingerprint, ['number', 'integer']), badInput, 'a fraction where an id goes');
    assert.throws(
      () => decodeSearchCursor(forged([1, 2 ** 60]), fingerprint, ['number', 'integer']),
      badInput,
      'an id a JS number rounded',
    );
    assert.throws(() => decodeSearchCursor(forged(['x', 1]), fingerprint, ['number', 'integer']), badInput);
    assert.throws(() => decodeSearchCursor(forged([{ match_all: {} }, 1]), fingerprint, ['number', 'integer']), badInput);
    assert.throws(() => decodeSearchCursor('!!!', fingerprint, ['number']), badInput);
    assert.throws(() => decodeSearchCursor('a'.repeat(600), fingerprint, ['number']), badInput);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors.js';
import { col, notNull } from '../../../src/rows/column-types.js';
import { normalizeRow, normalizeValue } from '../../../src/rows/normalize-row.js';
import { decodeCursor, encodeCursor, parseEntityIds } from '../../../src/resolvers/arguments.js';
import {
  defaultCachePolicy,
  defineEntity,
  keyColumnsOf,
  keyOfRowId,
  keyParametersOf,
  parseEntityId,
  rowIdOf,
  rowIdOfKey,
} from '../../../src/schema/entity.js';

const byInt = defineEntity({
  name: 'Product',
  table: 'products',
  primaryKey: 'id',
  columns: { id: col.bigint() },
  cache: defaultCachePolicy,
});
const byUnsigned = defineEntity({
  name: 'Ledger',
  table: 'ledger',
  primaryKey: 'id',
  columns: { id: notNull(col.bigint({ unsigned: true })) },
  cache: defaultCachePolicy,
});
const byUuid = defineEntity({
  name: 'Account',
  table: 'accounts',
  primaryKey: 'id',
  columns: { id: col.uuid() },
  cache: defaultCachePolicy,
});
const byBinaryUuid = defineEntity({
  name: 'Device',
  table: 'devices',
  primaryKey: 'id',
  columns: { id: col.uuidBinary() },
  cache: defaultCachePolicy,
});
const bySku = defineEntity({
  name: 'Sku',
  table: 'skus',
  primaryKey: 'code',
  columns: { code: col.string({ maxLength: 8 }) },
  cache: defaultCachePolicy,
});
const membership = defineEntity({
  name: 'Membership',
  table: 'memberships',
  primaryKey: ['group_id', 'member_code'],
  columns: { group_id: col.int(), member_code: col.string(), role: col.string() },
  cache: defaultCachePolicy,
});

const UUID = '0b6e0e1c-5f1a-4c55-9d1e-7a0f3c2b9e41';

function assertBadInput(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof GatewayError && error.code === 'BAD_USER_INPUT' && pattern.test(error.message));
}

describe('row ids', () => {
  it('keeps a single integer key as its decimal text, as cache keys and document ids always were', () => {
    assert.equal(rowIdOf({ id: 42 }, byInt), '42');
    assert.equal(rowIdOf({ id: '18446744073709551615' }, byUnsigned), '18446744073709551615');
    assert.deepEqual(keyOfRowId(byInt, '42'), { id: 42 });
    assert.deepEqual(keyOfRowId(byUnsigned, '18446744073709551615'), { id: '18446744073709551615' });
  });

  it('encodes a composite key as the JSON array of its id texts in key order, and back', () => {
    const id = rowIdOf({ member_code: 'a","b', group_id: 7, role: 'x' }, membership);
    assert.equal(id, '["7","a\\",\\"b"]');
    assert.deepEqual(keyOfRowId(membership, id), { group_id: 7, member_code: 'a","b' });
    assert.deepEqual(keyColumnsOf(membership), ['group_id', 'member_code']);
  });

  it('gives BINARY(16) UUID keys as their 16 bytes to SQL', () => {
    const [parameter] = keyParametersOf(byBinaryUuid, UUID);
    assert.ok(Buffer.isBuffer(parameter));
    assert.equal(parameter.toString('hex'), UUID.replaceAll('-', ''));
    assert.deepEqual(keyParametersOf(membership, '["7","m"]'), [7, 'm']);
  });

  it('gives date-time key parts to SQL in the form MySQL parses (the session is UTC)', () => {
    const events = defineEntity({
      name: 'Event',
      table: 'events',
      primaryKey: ['source', 'at'],
      columns: { source: col.string(), at: col.datetime(3) },
      cache: defaultCachePolicy,
    });
    const id = rowIdOf({ source: 's', at: '2025-03-01T10:15:30.123Z' }, events);
    assert.deepEqual(keyParametersOf(events, id), ['s', '2025-03-01 10:15:30.123']);
  });

  it('refuses a row without a usable key value', () => {
    assert.throws(() => rowIdOf({ id: true }, byInt), /no usable key column id/);
    assert.throws(() => keyOfRowId(membership, '7'), /not a row id/);
  });
});

describe('parseEntityId', () => {
  it('keeps the positive-integer rule and message for integer keys', () => {
    assert.equal(parseEntityId(byInt, '42'), '42');
    assertBadInput(() => parseEntityId(byInt, 'abc'), /^id must be a positive integer id, got "abc"$/);
    assertBadInput(() => parseEntityId(byInt, '0'), /positive integer id/);
  });

  it('accepts unsigned BIGINT ids up to 2^64-1 and no further', () => {
    assert.equal(parseEntityId(byUnsigned, '18446744073709551615'), '18446744073709551615');
    assertBadInput(() => parseEntityId(byUnsigned, '18446744073709551616'), /up to 18446744073709551615/);
  });

  it('lowercases UUID ids and refuses other text', () => {
    assert.equal(parseEntityId(byUuid, UUID.toUpperCase()), UUID);
    assert.equal(parseEntityId(byBinaryUuid, UUID), UUID);
    assertBadInput(() => parseEntityId(byUuid, 'abc', 'accountId'), /^accountId must be a UUID/);
  });

  it('bounds string ids by their declared length', () => {
    assert.equal(parseEntityId(bySku, 'AB-12'), 'AB-12');
    assertBadInput(() => parseEntityId(bySku, 'ABCDEFGHI'), /at most 8 characters/);
    assertBadInput(() => parseEntityId(bySku, ''), /non-empty/);
  });

  it('reads a composite id in its JSON array form and checks each part', () => {
    assert.equal(parseEntityId(membership, '["7","m"]'), '["7","m"]');
    assertBadInput(() => parseEntityId(membership, '7'), /JSON array of 2 key values/);
    assertBadInput(() => parseEntityId(membership, '["x","m"]'), /^id\[0\] must be a positive integer id/);
  });
});

describe('rowIdOfKey', () => {
  it('builds the id from per-column arguments, numbers allowed for integer columns', () => {
    assert.equal(rowIdOfKey(membership, { group_id: 7, member_code: 'm' }), '["7","m"]');
    assert.equal(rowIdOfKey(membership, { group_id: '7', member_code: 'm' }), '["7","m"]');
  });

  it('names the argument of a missing or bad value', () => {
    assertBadInput(() => rowIdOfKey(membership, { group_id: 7 }), /^memberCode is required$/);
    assertBadInput(() => rowIdOfKey(membership, { group_id: 1.5, member_code: 'm' }), /^groupId must be a positive integer id/);
  });

  it('refuses true where an integer key is expected instead of reading it as 1', () => {
    assertBadInput(() => rowIdOfKey(byInt, { id: true }), /^id must be a positive integer id, got true$/);
  });
});

describe('key column values', () => {
  it('canonicalises UUID text and BINARY(16) in every form a source delivers', () => {
    const bytes = Buffer.from(UUID.replaceAll('-', ''), 'hex');
    assert.equal(normalizeValue(UUID.toUpperCase(), col.uuid()), UUID);
    assert.equal(normalizeValue(bytes, col.uuidBinary()), UUID);
    assert.equal(normalizeValue(bytes.toString('base64'), col.uuidBinary()), UUID);
    assert.equal(normalizeValue(bytes.toString('hex'), col.uuidBinary()), UUID);
    assert.throws(() => normalizeValue('not-a-uuid', col.uuid()), /not a UUID/);
    assert.throws(() => normalizeValue(Buffer.alloc(15), col.uuidBinary()), /16 bytes/);
  });

  it('refuses a boolean in an integer key column but still reads one in a plain integer column', () => {
    assert.throws(() => normalizeRow({ id: true }, byInt.columns, ['id']), /key column "id".*true is not a key value/);
    assert.deepEqual(normalizeRow({ id: true }, byInt.columns), { id: 1 });
  });
});

describe('defineEntity', () => {
  it('refuses a key column that is not declared, a duplicated one, and float or JSON keys', () => {
    const base = { name: 'T', table: 't', cache: defaultCachePolicy };
    assert.throws(() => defineEntity({ ...base, primaryKey: ['a', 'b'], columns: { a: col.int() } }), /primary key b is not among/);
    assert.throws(() => defineEntity({ ...base, primaryKey: ['a', 'a'], columns: { a: col.int() } }), /distinct columns/);
    assert.throws(() => defineEntity({ ...base, primaryKey: 'a', columns: { a: col.json() } }), /cannot be a json column/);
    assert.throws(() => defineEntity({ ...base, primaryKey: 'a', columns: { a: col.bool() } }), /cannot be a bool column/);
  });

  it('refuses a search mapping on a key that cannot be reindexed in key order', () => {
    const search = { index: 't', properties: {}, embeds: [], toDocument: () => ({}) };
    assert.throws(
      () => defineEntity({ name: 'T', table: 't', primaryKey: 'id', columns: { id: col.uuid() }, cache: defaultCachePolicy, search }),
      /a search mapping needs a single integer .* primary key/,
    );
  });
});

describe('cursors and id lists of any key', () => {
  it('round-trips a composite id through a cursor and refuses one that is not an id of the entity', () => {
    const id = rowIdOf({ group_id: 7, member_code: 'm' }, membership);
    assert.equal(decodeCursor(encodeCursor(id), membership), id);
    assertBadInput(() => decodeCursor(encodeCursor('7'), membership), /not a cursor returned by this API/);
    assertBadInput(() => decodeCursor(encodeCursor(UUID)), /not a cursor returned by this API/);
    assert.equal(decodeCursor(encodeCursor(UUID), byUuid), UUID);
  });

  it('checks every id of a list by the entity key and names its position', () => {
    assert.deepEqual(parseEntityIds(byUuid, [UUID.toUpperCase()]), [UUID]);
    assertBadInput(() => parseEntityIds(byUuid, [UUID, 'x']), /^ids\[1\] must be a UUID/);
  });
});

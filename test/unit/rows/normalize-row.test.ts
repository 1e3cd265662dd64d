import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col } from '../../../src/rows/column-types.js';
import { normalizeRow, normalizeValue } from '../../../src/rows/normalize-row.js';
import { assertGatewayError } from '../sync/message-fixtures.js';

describe('normalizeValue for DECIMAL', () => {
  it('pads to the declared scale without passing through a float', () => {
    assert.equal(normalizeValue('24.5', col.decimal(2)), '24.50');
    assert.equal(normalizeValue('19.90', col.decimal(2)), '19.90');
    assert.equal(normalizeValue('12345678901234567890.12', col.decimal(2)), '12345678901234567890.12');
  });

  it('canonicalizes text the fast path for canonical text must not pass through', () => {
    assert.equal(normalizeValue('019.90', col.decimal(2)), '19.90');
    assert.equal(normalizeValue('19.905', col.decimal(2)), '19.91');
    assert.equal(normalizeValue('-0.00', col.decimal(2)), '0.00');
    assert.equal(normalizeValue('0.50', col.decimal(2)), '0.50');
    assert.equal(normalizeValue(' 1.50', col.decimal(2)), '1.50');
  });

  it('accepts Maxwell numbers and exponent forms', () => {
    assert.equal(normalizeValue(19.9, col.decimal(2)), '19.90');
    assert.equal(normalizeValue(1e21, col.decimal(2)), '1000000000000000000000.00');
    assert.equal(normalizeValue('1.5E-7', col.decimal(8)), '0.00000015');
  });

  it('keeps negative values negative and never produces a negative zero', () => {
    assert.equal(normalizeValue('-0.5', col.decimal(2)), '-0.50');
    assert.equal(normalizeValue('-.5', col.decimal(0)), '-1');
    assert.equal(normalizeValue('-0.001', col.decimal(2)), '0.00');
  });

  it('rounds extra digits half away from zero, as MySQL stores them', () => {
    assert.equal(normalizeValue('2.345', col.decimal(2)), '2.35');
    assert.equal(normalizeValue('-2.345', col.decimal(2)), '-2.35');
    assert.equal(normalizeValue('2.344', col.decimal(2)), '2.34');
  });

  it('explains that a base64 Debezium decimal needs its schema', () => {
    assertGatewayError(() => normalizeValue('B88=', col.decimal(2)), 'ROW_INVALID', /decimal.handling.mode=string/);
  });
});

describe('normalizeValue for DATETIME and TIMESTAMP', () => {
  it('reads mysql2, Canal and Maxwell text as UTC with three fractional digits', () => {
    assert.equal(normalizeValue('2025-03-01 10:15:30.123', col.datetime(3)), '2025-03-01T10:15:30.123Z');
    assert.equal(normalizeValue('2025-03-01 10:15:30', col.datetime()), '2025-03-01T10:15:30.000Z');
  });

  it('truncates microseconds instead of rounding them', () => {
    assert.equal(normalizeValue('2025-03-01 10:15:30.123999', col.datetime(6)), '2025-03-01T10:15:30.123Z');
  });

  it('reads Debezium epoch milliseconds or microseconds according to the declared precision', () => {
    assert.equal(normalizeValue(1_740_824_130_123, col.datetime(3)), '2025-03-01T10:15:30.123Z');
    assert.equal(normalizeValue(1_740_824_130_123_456, col.datetime(6)), '2025-03-01T10:15:30.123Z');
  });

  it('truncates pre-1970 microseconds towards the earlier millisecond', () => {
    assert.equal(normalizeValue(-1, col.datetime(6)), '1969-12-31T23:59:59.999Z');
    assert.equal(normalizeValue('1969-07-20 20:17:40.5', col.datetime(1)), '1969-07-20T20:17:40.500Z');
  });

  it('reads ISO-8601 with Z or an offset', () => {
    assert.equal(normalizeValue('2025-03-01T10:15:30Z', col.timestamp()), '2025-03-01T10:15:30.000Z');
    assert.equal(normalizeValue('2025-03-01T18:15:30.5+08:00', col.timestamp(1)), '2025-03-01T10:15:30.500Z');
  });

  it('turns the MySQL zero date into null', () => {
    assert.equal(normalizeValue('0000-00-00 00:00:00', col.datetime()), null);
  });

  it('rejects text that is not a date-time', () => {
    assertGatewayError(() => normalizeValue('yesterday', col.datetime()), 'ROW_INVALID', /datetime\(0\)/, /"yesterday"/);
    assertGatewayError(() => normalizeValue('2025-13-01 00:00:00', col.datetime()), 'ROW_INVALID', /out of range/);
  });
});

describe('normalizeValue for DATE and TIME', () => {
  it('accepts dates as text or as Debezium days since the epoch, before 1970 too', () => {
    assert.equal(normalizeValue('2025-03-01', col.date()), '2025-03-01');
    assert.equal(normalizeValue(20148, col.date()), '2025-03-01');
    assert.equal(normalizeValue(-25567, col.date()), '1900-01-01');
    assert.equal(normalizeValue(-1, col.date()), '1969-12-31');
  });

  it('writes a fraction only when it is not zero, always with six digits', () => {
    assert.equal(normalizeValue('10:15:30', col.time()), '10:15:30');
    assert.equal(normalizeValue('10:15:30.000000', col.time()), '10:15:30');
    assert.equal(normalizeValue('10:15:30.5', col.time()), '10:15:30.500000');
    assert.equal(normalizeValue(36_930_500_000, col.time()), '10:15:30.500000');
  });

  it('keeps hours beyond a day and negative durations', () => {
    assert.equal(normalizeValue('-838:59:59', col.time()), '-838:59:59');
    assert.equal(normalizeValue(-1_000_000, col.time()), '-00:00:01');
  });
});

describe('normalizeValue for numbers, flags, text, JSON and bytes', () => {
  it('turns BIGINTs beyond 2^53 into exact decimal text and smaller ones into numbers', () => {
    assert.equal(normalizeValue('9007199254740993', col.bigint()), '9007199254740993');
    assert.equal(normalizeValue('42', col.bigint()), 42);
    assert.equal(normalizeValue(42, col.bigint()), 42);
  });

  it('unwraps an unsigned BIGINT that Debezium sent as a negative long (bigint.unsigned.handling.mode=long)', () => {
    assert.equal(normalizeValue('-1', col.bigint({ unsigned: true })), '18446744073709551615');
    assert.equal(normalizeValue('-9223372036854775808', col.bigint({ unsigned: true })), '9223372036854775808');
    assert.equal(normalizeValue('18446744073709551615', col.bigint({ unsigned: true })), '18446744073709551615');
    assert.equal(normalizeValue('-1', col.bigint()), -1);
  });

  it('refuses a BIGINT that a JS number has already rounded', () => {
    assertGatewayError(() => normalizeValue(2 ** 60, col.bigint()), 'ROW_INVALID', /lost precision/);
  });

  it('reads INT from numbers and text', () => {
    assert.equal(normalizeValue('-42', col.int()), -42);
    assertGatewayError(() => normalizeValue('4.2', col.int()), 'ROW_INVALID', /not an integer/);
  });

  it('reads FLOAT from numbers and text', () => {
    assert.equal(normalizeValue('1.5', col.float()), 1.5);
    assert.equal(normalizeValue(0.1, col.float()), 0.1);
  });

  it('turns every TINYINT(1) representation into true or false', () => {
    for (const truthy of [1, '1', true, 'true', Buffer.from([1]), 2]) assert.equal(normalizeValue(truthy, col.bool()), true);
    for (const falsy of [0, '0', false, 'false', Buffer.from([0])]) assert.equal(normalizeValue(falsy, col.bool()), false);
  });

  it('parses JSON text (MariaDB, Debezium) and keeps parsed JSON (MySQL 8, Maxwell)', () => {
    assert.deepEqual(normalizeValue('{"color":"红","sizes":[1,2]}', col.json()), { color: '红', sizes: [1, 2] });
    assert.deepEqual(normalizeValue({ color: '红' }, col.json()), { color: '红' });
    assert.equal(normalizeValue('not json', col.json()), 'not json');
  });

  it('keeps CJK and emoji text and joins Maxwell SET arrays', () => {
    assert.equal(normalizeValue('马克杯 ☕️ 🚀', col.string()), '马克杯 ☕️ 🚀');
    assert.equal(normalizeValue(['a', 'b'], col.enum()), 'a,b');
    assertGatewayError(() => normalizeValue(42, col.string()), 'ROW_INVALID', /not a string/);
  });

  it('encodes bytes as base64 and keeps base64 text', () => {
    assert.equal(normalizeValue(Buffer.from([0, 255]), col.binary()), 'AP8=');
    assert.equal(normalizeValue('AP8=', col.binary()), 'AP8=');
    assertGatewayError(() => normalizeValue('not base64!', col.binary()), 'ROW_INVALID', /base64/);
  });
});

describe('normalizeRow', () => {
  it('converts declared columns and keeps the others JSON-safe', () => {
    const row = normalizeRow(
      { id: '42', price: '24.5', extra: Buffer.from('hi'), big: 12n, missing: undefined, nested: { at: new Date(0) } },
      { id: col.int(), price: col.decimal(2) },
    );
    assert.deepEqual(row, { id: 42, price: '24.50', extra: 'aGk=', big: 12, missing: null, nested: { at: '1970-01-01T00:00:00.000Z' } });
  });

  it('does not add declared columns that the row lacks', () => {
    assert.deepEqual(normalizeRow({ id: 1 }, { id: col.int(), name: col.string() }), { id: 1 });
  });

  it('names the column and the value it cannot convert', () => {
    assertGatewayError(() => normalizeRow({ price: 'abc' }, { price: col.decimal(2) }), 'ROW_INVALID', /column "price"/, /"abc"/);
  });

  it('treats a column named like an Object.prototype member as data', () => {
    const row = normalizeRow(JSON.parse('{"__proto__":{"x":1},"constructor":"c"}') as Record<string, unknown>, {});
    assert.deepEqual(Object.keys(row), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ROW_VERSION } from '../../../src/rows/row.js';
import { binlogVersion, canalVersion, formatVersion, parseVersion, ticdcVersion } from '../../../src/rows/row-version.js';
import { assertGatewayError } from '../sync/message-fixtures.js';

describe('binlogVersion', () => {
  it('packs file number, position and row index into 17 + 32 + 14 bits', () => {
    assert.equal(binlogVersion('mariadb-bin.000004', 35210, 3), (4n << 46n) | (35210n << 14n) | 3n);
  });

  it('orders by file, then position, then row', () => {
    const versions = [
      binlogVersion('binlog.000003', 4_294_967_295, 16_383),
      binlogVersion('binlog.000004', 4, 0),
      binlogVersion('binlog.000004', 35210, 0),
      binlogVersion('binlog.000004', 35210n, 1),
    ];
    assert.deepEqual(
      [...versions].sort((a, b) => (a < b ? -1 : 1)),
      versions,
    );
  });

  it('stays below 2^63 at the largest coordinates', () => {
    assert.equal(binlogVersion('binlog.131071', 4_294_967_295, 16_383), MAX_ROW_VERSION);
  });

  it('rejects a file name without a numeric suffix', () => {
    assertGatewayError(() => binlogVersion('binlog', 4, 0), 'ROW_INVALID', /numeric suffix/);
  });

  it('rejects coordinates that do not fit the layout', () => {
    assertGatewayError(() => binlogVersion('binlog.131072', 4, 0), 'ROW_INVALID', /file number/);
    assertGatewayError(() => binlogVersion('binlog.000001', 2 ** 32, 0), 'ROW_INVALID', /position/);
    assertGatewayError(() => binlogVersion('binlog.000001', 4, 16_384), 'ROW_INVALID', /row index/);
    assertGatewayError(() => binlogVersion('binlog.000001', -1, 0), 'ROW_INVALID', /position/);
  });
});

describe('ticdcVersion', () => {
  it('keeps a TSO beyond 2^53 exactly when given as digits or bigint', () => {
    assert.equal(ticdcVersion('429918007904436226'), 429918007904436226n);
    assert.equal(ticdcVersion(429918007904436226n), 429918007904436226n);
    assert.equal(ticdcVersion(42), 42n);
  });

  it('refuses a TSO that a JS number has already rounded', () => {
    // eslint-disable-next-line no-loss-of-precision -- the point of the test
    assertGatewayError(() => ticdcVersion(429918007904436226), 'ROW_INVALID', /exact digits/);
  });

  it('refuses text that is not an unsigned integer and values from 2^63 on', () => {
    assertGatewayError(() => ticdcVersion('12a'), 'ROW_INVALID', /unsigned integer/);
    assertGatewayError(() => ticdcVersion((1n << 63n).toString()), 'ROW_INVALID', /outside/);
  });
});

describe('canalVersion', () => {
  it('orders two changes of the same second by their Kafka offset', () => {
    assert.ok(canalVersion(1_740_824_162_000, '7') < canalVersion(1_740_824_162_999, '8'));
  });

  it('orders a later second first even with a smaller offset', () => {
    assert.ok(canalVersion(1_740_824_163_000, '1') > canalVersion(1_740_824_162_000, '900000'));
  });

  it('puts whole seconds above 31 bits of offset', () => {
    assert.equal(canalVersion(1_740_824_162_500, '5'), (1_740_824_162n << 31n) | 5n);
  });

  it('keeps only the low 31 bits of very large offsets', () => {
    assert.equal(canalVersion(1000, String(2 ** 31 + 9)), (1n << 31n) | 9n);
  });

  it('stays below 2^63 for execute times in 2100', () => {
    const in2100 = Date.UTC(2100, 0, 1);
    assert.ok(canalVersion(in2100, '2147483647') <= MAX_ROW_VERSION);
  });

  it('rejects a negative execute time and a non-numeric offset', () => {
    assertGatewayError(() => canalVersion(-1, '1'), 'ROW_INVALID', /execute time/);
    assertGatewayError(() => canalVersion(1000, 'x'), 'ROW_INVALID', /offset/);
  });
});

describe('formatVersion and parseVersion', () => {
  it('pads to 19 digits so that string order is numeric order', () => {
    const versions = [0n, 9n, 10n, 35210n, binlogVersion('binlog.000004', 35210, 0), MAX_ROW_VERSION];
    const texts = versions.map(formatVersion);
    assert.ok(texts.every((text) => text.length === 19));
    assert.deepEqual([...texts].sort(), texts);
    assert.equal(formatVersion(42n), '0000000000000000042');
  });

  it('round-trips every version', () => {
    for (const version of [0n, 1n, 429918007904436226n, MAX_ROW_VERSION]) {
      assert.equal(parseVersion(formatVersion(version)), version);
    }
  });

  it('rejects versions outside [0, 2^63) and text that is not 19 digits', () => {
    assertGatewayError(() => formatVersion(-1n), 'ROW_INVALID', /outside/);
    assertGatewayError(() => formatVersion(MAX_ROW_VERSION + 1n), 'ROW_INVALID', /outside/);
    assertGatewayError(() => parseVersion('42'), 'ROW_INVALID', /19-digit/);
    assertGatewayError(() => parseVersion('9999999999999999999'), 'ROW_INVALID', /above/);
  });
});

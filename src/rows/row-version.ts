import { GatewayError } from '../errors.js';
import { MAX_ROW_VERSION } from './row.js';
import type { RowVersion } from './row.js';

/*
 * Binlog coordinates packed into 63 bits: 17 bits of file number, 32 bits of position, 14 bits of
 * row index. Positions are 32-bit in MySQL and MariaDB binlogs; 2^17 files is far beyond any
 * retention; a single rows event is capped in size (binlog_row_event_max_size) long before it
 * could hold 2^14 rows.
 */
const FILE_BITS = 17n;
const POSITION_BITS = 32n;
const ROW_BITS = 14n;

/*
 * Canal: seconds in the high bits, the Kafka offset's low bits as a tiebreak. 31 offset bits leave
 * 32 bits of seconds (good until 2106); with 32 offset bits the seconds would overflow 2^63 in 2038.
 */
const CANAL_OFFSET_BITS = 31n;
const CANAL_SECONDS_LIMIT = 1n << (63n - CANAL_OFFSET_BITS);

/** Digits of MAX_ROW_VERSION: padding to it makes string order equal numeric order. */
const VERSION_DIGITS = MAX_ROW_VERSION.toString().length;

const BINLOG_FILE_NUMBER = /\.(\d+)$/;
const UNSIGNED_INTEGER = /^\d+$/;

/** Version from binlog coordinates (Debezium `source.file/pos/row`, Maxwell `position` + `xoffset`). */
export function binlogVersion(fileName: string, position: bigint | number, rowIndex: number): RowVersion {
  const fileNumber = BINLOG_FILE_NUMBER.exec(fileName)?.[1];
  if (fileNumber === undefined) {
    throw versionError(`binlog file name "${fileName}" does not end in a numeric suffix like ".000004"`);
  }
  const file = checkedBits(BigInt(fileNumber), FILE_BITS, `binlog file number of "${fileName}"`);
  const pos = checkedBits(toBigInt(position, 'binlog position'), POSITION_BITS, 'binlog position');
  const row = checkedBits(toBigInt(rowIndex, 'binlog row index'), ROW_BITS, 'binlog row index');
  return (file << (POSITION_BITS + ROW_BITS)) | (pos << ROW_BITS) | row;
}

/**
 * Version from a TiDB TSO, as is. A TSO does not fit in a JS number (it is ~2^58), so it must be
 * given as the exact digits or a bigint; a number is accepted only when it is a safe integer.
 */
export function ticdcVersion(commitTs: string | number | bigint): RowVersion {
  if (typeof commitTs === 'number' && !Number.isSafeInteger(commitTs)) {
    throw versionError(`TiCDC commitTs ${commitTs} was already rounded by a JS number; pass its exact digits`);
  }
  if (typeof commitTs === 'string' && !UNSIGNED_INTEGER.test(commitTs)) {
    throw versionError(`TiCDC commitTs "${commitTs}" is not an unsigned integer`);
  }
  const tso = BigInt(commitTs);
  if (tso < 0n || tso > MAX_ROW_VERSION) throw versionError(`TiCDC commitTs ${tso.toString()} is outside [0, 2^63)`);
  return tso;
}

/**
 * Version for Canal, which carries no binlog coordinates in flat messages. `es` (binlog execute
 * time) has one-second precision, so it alone cannot order two changes of a row made within the
 * same second; Canal keys by primary key, so those two changes sit in one partition where the Kafka
 * offset orders them. Only the offset's low bits are kept: two same-second changes straddling a
 * multiple of 2^31 would compare wrongly, once per two billion messages of a partition.
 */
export function canalVersion(executeTimeMs: number, kafkaOffset: string): RowVersion {
  if (!Number.isSafeInteger(executeTimeMs) || executeTimeMs < 0) {
    throw versionError(`Canal execute time ${executeTimeMs} is not a non-negative integer of milliseconds`);
  }
  if (!UNSIGNED_INTEGER.test(kafkaOffset)) throw versionError(`Kafka offset "${kafkaOffset}" is not an unsigned integer`);
  const seconds = BigInt(Math.floor(executeTimeMs / 1000));
  if (seconds >= CANAL_SECONDS_LIMIT) throw versionError(`Canal execute time ${executeTimeMs} is too far in the future`);
  const offsetBits = BigInt(kafkaOffset) & ((1n << CANAL_OFFSET_BITS) - 1n);
  return (seconds << CANAL_OFFSET_BITS) | offsetBits;
}

/** Fixed-width decimal text, so that Redis Lua can compare versions as strings. */
export function formatVersion(version: RowVersion): string {
  if (version < 0n || version > MAX_ROW_VERSION) throw versionError(`row version ${version.toString()} is outside [0, 2^63)`);
  return version.toString().padStart(VERSION_DIGITS, '0');
}

export function parseVersion(text: string): RowVersion {
  if (text.length !== VERSION_DIGITS || !UNSIGNED_INTEGER.test(text)) {
    throw versionError(`"${text}" is not a ${VERSION_DIGITS}-digit row version`);
  }
  const version = BigInt(text);
  if (version > MAX_ROW_VERSION) throw versionError(`row version ${text} is above 2^63 - 1`);
  return version;
}

function toBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw versionError(`${what} ${value} is not an integer`);
  return BigInt(value);
}

function checkedBits(value: bigint, bits: bigint, what: string): bigint {
  if (value < 0n || value >= 1n << bits) {
    throw versionError(`${what} ${value.toString()} does not fit the version layout (must be in [0, 2^${bits.toString()}))`);
  }
  return value;
}

function versionError(message: string): GatewayError {
  return new GatewayError('CDC_DECODE_FAILED', message);
}

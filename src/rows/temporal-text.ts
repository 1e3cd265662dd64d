/**
 * Date and time values in the canonical text forms of change.ts. Strings are reformatted from their
 * digits, never parsed by `Date` (which reads "2025-03-01 10:15:30" in the local time zone); only
 * epoch arithmetic and explicit offsets go through UTC `Date` methods.
 *
 * MySQL zero dates ("0000-00-00 00:00:00") become null, as Debezium reports them.
 */

const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_TEXT = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ZERO_DATE = /^0000-00-00/;

const MS_PER_DAY = 86_400_000;
const MICROS_PER_SECOND = 1_000_000n;

/** "2025-03-01 10:15:30.123456" or ISO-8601 with an offset → "2025-03-01T10:15:30.123Z" (µs truncated). */
export function canonicalDateTimeText(text: string): string | null {
  const match = DATETIME_TEXT.exec(text.trim());
  if (match === null) throw new Error('not a date-time like "YYYY-MM-DD hh:mm:ss[.ffffff]"');
  if (ZERO_DATE.test(text.trim())) return null;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction = '', zone] = match;
  checkDateParts(Number(month), Number(day));
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw new Error('time of day out of range');
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === 0) return `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`;
  const local = utcMs(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), Number(millis));
  return epochMsToDateTimeText(local - offsetMinutes * 60_000);
}

export function epochMsToDateTimeText(epochMs: number): string {
  if (!Number.isSafeInteger(epochMs)) throw new Error('epoch milliseconds must be an integer');
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new Error('date-time outside years 0000-9999');
  return date.toISOString();
}

/** Epoch microseconds (Debezium MicroTimestamp, DATETIME(4-6)) → canonical, truncating to ms. */
export function epochMicrosToDateTimeText(epochMicros: bigint): string {
  return epochMsToDateTimeText(Number(floorDiv(epochMicros, 1000n)));
}

export function epochNanosToDateTimeText(epochNanos: bigint): string {
  return epochMsToDateTimeText(Number(floorDiv(epochNanos, 1_000_000n)));
}

/** "YYYY-MM-DD" as is, after checking it; the zero date becomes null. */
export function canonicalDateText(text: string): string | null {
  const trimmed = text.trim();
  const match = DATE_TEXT.exec(trimmed);
  if (match === null) throw new Error('not a date like "YYYY-MM-DD"');
  if (ZERO_DATE.test(trimmed)) return null;
  checkDateParts(Number(match[2]), Number(match[3]));
  return trimmed;
}

/** Days since 1970-01-01 (Debezium Date; negative before 1970) → "YYYY-MM-DD". */
export function epochDaysToDateText(days: number): string {
  if (!Number.isSafeInteger(days)) throw new Error('days since epoch must be an integer');
  return epochMsToDateTimeText(days * MS_PER_DAY).slice(0, 10);
}

/**
 * "hh:mm:ss" plus ".ffffff" only when the fraction is non-zero, always six digits so that TIME(3)
 * from mysql2 ("…30.500") and from Debezium microseconds agree. Hours may exceed 24 or be negative,
 * as MySQL TIME allows (-838:59:59 to 838:59:59).
 */
export function canonicalTimeText(text: string): string {
  const match = TIME_TEXT.exec(text.trim());
  if (match === null) throw new Error('not a time like "hh:mm:ss[.ffffff]"');
  const [, sign, hours = '', minutes = '', seconds = '', fraction = ''] = match;
  if (Number(minutes) > 59 || Number(seconds) > 59) throw new Error('minutes or seconds out of range');
  const micros =
    (BigInt(hours) * 3600n + BigInt(minutes) * 60n + BigInt(seconds)) * MICROS_PER_SECOND + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return microsToTimeText(sign === '-' ? -micros : micros);
}

/** Microseconds since midnight (Debezium MicroTime) → canonical TIME text. */
export function microsToTimeText(micros: bigint): string {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const totalSeconds = magnitude / MICROS_PER_SECOND;
  const fraction = magnitude % MICROS_PER_SECOND;
  const hours = (totalSeconds / 3600n).toString().padStart(2, '0');
  const minutes = ((totalSeconds / 60n) % 60n).toString().padStart(2, '0');
  const seconds = (totalSeconds % 60n).toString().padStart(2, '0');
  const fractionText = fraction === 0n ? '' : `.${fraction.toString().padStart(6, '0')}`;
  return `${negative ? '-' : ''}${hours}:${minutes}:${seconds}${fractionText}`;
}

export function floorDiv(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor !== 0n && dividend < 0n !== divisor < 0n ? quotient - 1n : quotient;
}

function checkDateParts(month: number, day: number): void {
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new Error('month or day out of range');
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return zone.startsWith('-') ? -minutes : minutes;
}

/** Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

import { errorMessage } from '../../errors.js';
import type { Row, RowValue } from '../../rows/row.js';
import { integerToRowValue, parseIntegerValue, scaleDecimalText } from '../../rows/decimal-text.js';
import { canonicalDateText, canonicalDateTimeText, canonicalTimeText } from '../../rows/temporal-text.js';
import { decodeProblem } from './decode-context.js';
import type { JsonObject } from './decode-context.js';

/**
 * Canal and TiCDC canal-json send every value as a string (or null) next to its column's
 * `mysqlType`: "decimal(10,2)", "tinyint(1)", "int(10) unsigned" from Canal, parameterless
 * "decimal", "varchar" from TiCDC. This turns them into typed values; without a scale (TiCDC) a
 * decimal stays the exact text it arrived as and the normalizer applies the declared scale.
 *
 * Binary columns arrive as one character per byte (ISO-8859-1), so they are re-encoded as base64.
 * Date-times are read as UTC: run Canal and TiCDC with a UTC time zone.
 */
export function convertMysqlTextRow(values: JsonObject, mysqlTypes: Readonly<Record<string, unknown>>): Row {
  return Object.fromEntries(
    Object.entries(values).map(([column, value]) => {
      const mysqlType = Object.hasOwn(mysqlTypes, column) ? mysqlTypes[column] : undefined;
      try {
        return [column, convertMysqlTextValue(value, typeof mysqlType === 'string' ? mysqlType : undefined)];
      } catch (error) {
        const shown = JSON.stringify(value) ?? typeof value;
        throw decodeProblem(`column "${column}" (${String(mysqlType)}): cannot convert ${shown}: ${errorMessage(error)}`);
      }
    }),
  );
}

export function convertMysqlTextValue(value: unknown, mysqlType: string | undefined): RowValue {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error('expected a string or null');
  if (mysqlType === undefined) return value;
  const { base, scale } = parseMysqlType(mysqlType);
  const convert = CONVERSIONS.get(base);
  return convert === undefined ? value : convert(value, scale);
}

type TextConversion = (text: string, scale: number | undefined) => RowValue;

const integer: TextConversion = (text) => integerToRowValue(parseIntegerValue(text));
const decimal: TextConversion = (text, scale) => (scale === undefined ? checkedDecimal(text) : scaleDecimalText(text, scale));
const float: TextConversion = (text) => finiteNumber(text);
const latin1Bytes: TextConversion = (text) => Buffer.from(text, 'latin1').toString('base64');

const CONVERSIONS = new Map<string, TextConversion>([
  ...['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year', 'bool', 'boolean'].map((name) => [name, integer] as const),
  ...['decimal', 'numeric', 'dec', 'fixed'].map((name) => [name, decimal] as const),
  ...['float', 'double', 'real'].map((name) => [name, float] as const),
  ...['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob'].map((name) => [name, latin1Bytes] as const),
  // BIT's text form differs between tools; digits are read as its integer value, anything else kept.
  ['bit', (text) => (/^\d+$/.test(text) ? integer(text, undefined) : text)],
  ['datetime', (text) => canonicalDateTimeText(text)],
  ['timestamp', (text) => canonicalDateTimeText(text)],
  ['date', (text) => canonicalDateText(text)],
  ['time', (text) => canonicalTimeText(text)],
  ['json', (text) => JSON.parse(text) as RowValue],
]);

/** "decimal(10,2) unsigned" → { base: "decimal", scale: 2 }; "varchar" → { base: "varchar" }. */
export function parseMysqlType(mysqlType: string): { base: string; scale: number | undefined } {
  const lowered = mysqlType.trim().toLowerCase();
  const base = /^[a-z]+/.exec(lowered)?.[0] ?? lowered;
  const scaleText = /^[a-z]+\s*\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(lowered)?.[1];
  return { base, scale: scaleText === undefined ? undefined : Number(scaleText) };
}

function checkedDecimal(text: string): string {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(text.trim())) throw new Error('not a decimal number');
  return text.trim();
}

function finiteNumber(text: string): number {
  const number = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(number)) throw new Error('not a finite number');
  return number;
}

import { GatewayError, errorMessage } from '../errors.js';
import type { ColumnType } from '../rows/column-types.js';
import { normalizeValue } from '../rows/normalize-row.js';
import type { Row, RowValue } from '../rows/row.js';
import { uuidBytesOf, uuidTextOf } from '../rows/uuid-text.js';
import { fieldNameOf } from './entity-fields.js';

/**
 * Row ids: the one string per row used in cache keys, document ids, version guards, live events and
 * GraphQL ids. A single-column key's id is its canonical value as text ("42", "9007199254740993",
 * "sku-1", "0b6e…-…"), exactly as before composite keys existed, so existing cache keys and document
 * ids stay valid. A composite key's id is the JSON array of its columns' id texts in key order
 * (`["7","0b6e…"]`): JSON escaping makes it injective whatever the values contain (a separator
 * could occur inside a string key), every client can build and read it, and it can never equal a
 * single-column id of the same entity since an entity has one key shape.
 */

/** The part of a declaration the key functions read (EntityDeclaration has it). */
export interface KeyedEntity {
  readonly name: string;
  readonly primaryKey: string | readonly string[];
  readonly columns: Readonly<Record<string, ColumnType>>;
}

export type SqlKeyValue = string | number | Buffer;

export function keyColumnsOf(entity: Pick<KeyedEntity, 'primaryKey'>): readonly string[] {
  return typeof entity.primaryKey === 'string' ? [entity.primaryKey] : entity.primaryKey;
}

/** A row's id from its canonical key values. */
export function rowIdOf(row: Row, entity: KeyedEntity): string {
  // Every cached read and every CDC change asks: the single-column case allocates nothing.
  if (typeof entity.primaryKey === 'string') return componentOfRowValue(row[entity.primaryKey], entity.primaryKey);
  return encodeRowId(keyColumnsOf(entity).map((column) => componentOfRowValue(row[column], column)));
}

/** The key columns' canonical values for an id (rowIdOf's inverse); throws ROW_INVALID on an id of another shape. */
export function keyOfRowId(entity: KeyedEntity, id: string): Row {
  const columns = keyColumnsOf(entity);
  const components = decodeRowId(id, columns.length);
  if (components === null)
    throw new GatewayError('ROW_INVALID', `${entity.name}: ${JSON.stringify(id.slice(0, 80))} is not a row id of its key`);
  return Object.fromEntries(columns.map((column, index) => [column, normalizeValue(components[index], typeOf(entity, column))]));
}

/** True for an id of the entity's key shape (as keyOfRowId reads it), e.g. to tell row keys from other keys under a prefix. */
export function isRowIdOf(entity: KeyedEntity, id: string): boolean {
  if (id.length === 0) return false;
  try {
    keyOfRowId(entity, id);
    return true;
  } catch {
    return false;
  }
}

/** The key values of an id as SQL parameters in key order: BINARY(16) UUIDs as their 16 bytes. */
export function keyParametersOf(entity: KeyedEntity, id: string): SqlKeyValue[] {
  const key = keyOfRowId(entity, id);
  return keyColumnsOf(entity).map((column) => sqlParameterOf(key[column] ?? null, typeOf(entity, column)));
}

export function sqlParameterOf(value: RowValue, type: ColumnType): SqlKeyValue {
  if (typeof value === 'string' && type.kind === 'uuidBinary') return uuidBytesOf(value);
  if (typeof value === 'string' && type.kind === 'binary') return Buffer.from(value, 'base64');
  // Canonical date-times are ISO-8601 UTC ("…T…Z"), which MySQL does not parse; the pool's session is UTC.
  if (typeof value === 'string' && (type.kind === 'datetime' || type.kind === 'timestamp'))
    return value.replace('T', ' ').replace(/Z$/, '');
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new GatewayError('ROW_INVALID', `${JSON.stringify(value)} cannot be a key parameter`);
}

/**
 * The id of the row whose key columns have these values (by column name), as GraphQL arguments give
 * them: strings, or numbers for integer columns. Each is checked by its column's type; a bad or
 * missing one is BAD_USER_INPUT naming its argument (by default the column's camelCase field name).
 */
export function rowIdOfKey(
  entity: KeyedEntity,
  values: Readonly<Record<string, unknown>>,
  argumentOf: (column: string) => string = fieldNameOf,
): string {
  return encodeRowId(
    keyColumnsOf(entity).map((column) => {
      const argument = argumentOf(column);
      const value = Object.hasOwn(values, column) ? values[column] : undefined;
      if (value === undefined || value === null) throw new GatewayError('BAD_USER_INPUT', `${argument} is required`);
      return parseKeyComponent(typeOf(entity, column), value, argument);
    }),
  );
}

/**
 * A client's id text for the entity, checked and canonical (UUIDs lowercased). Single-column keys:
 * integers by the positive-integer rule (unsigned BIGINT up to 2^64-1), strings up to their length
 * bound, UUIDs as 8-4-4-4-12 text. Composite keys: the JSON array form rowIdOf produces.
 */
export function parseEntityId(entity: KeyedEntity, text: string, argument = 'id'): string {
  const columns = keyColumnsOf(entity);
  const [only] = columns;
  if (columns.length === 1 && only !== undefined) return parseKeyComponent(typeOf(entity, only), text, argument);
  const components = decodeRowId(text, columns.length);
  if (components === null) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      `${argument} must be a JSON array of ${columns.length} key values (${columns.join(', ')}), got ${shown(text)}`,
    );
  }
  return encodeRowId(columns.map((column, index) => parseKeyComponent(typeOf(entity, column), components[index], `${argument}[${index}]`)));
}

const POSITIVE_ID = /^[1-9]\d{0,18}$/;
const POSITIVE_UNSIGNED_ID = /^[1-9]\d{0,19}$/;
const UNSIGNED_BIGINT_MAX = (1n << 64n) - 1n;
export const DEFAULT_STRING_KEY_LENGTH = 255;

/** One key value from a client (text, or a number for integer columns) as its id text. */
function parseKeyComponent(type: ColumnType, value: unknown, argument: string): string {
  if (typeof value === 'number' && (type.kind === 'int' || type.kind === 'bigint') && Number.isSafeInteger(value)) {
    return parseKeyComponent(type, String(value), argument);
  }
  if (typeof value !== 'string') throw new GatewayError('BAD_USER_INPUT', `${argument} must be ${expected(type)}, got ${shown(value)}`);
  switch (type.kind) {
    case 'int':
    case 'bigint': {
      const unsigned = type.kind === 'bigint' && type.unsigned === true;
      const fits = unsigned ? POSITIVE_UNSIGNED_ID.test(value) && BigInt(value) <= UNSIGNED_BIGINT_MAX : POSITIVE_ID.test(value);
      if (!fits) throw new GatewayError('BAD_USER_INPUT', `${argument} must be ${expected(type)}, got ${shown(value)}`);
      return value;
    }
    case 'string':
    case 'enum': {
      const limit = (type.kind === 'string' ? type.maxLength : undefined) ?? DEFAULT_STRING_KEY_LENGTH;
      if (value.length === 0 || value.length > limit) {
        throw new GatewayError('BAD_USER_INPUT', `${argument} must be ${expected(type)}, got ${shown(value)}`);
      }
      return value;
    }
    case 'uuid':
    case 'uuidBinary':
      try {
        return uuidTextOf(value);
      } catch {
        throw new GatewayError('BAD_USER_INPUT', `${argument} must be ${expected(type)}, got ${shown(value)}`);
      }
    default:
      try {
        return componentOfRowValue(normalizeValue(value, type), argument);
      } catch (error) {
        throw new GatewayError('BAD_USER_INPUT', `${argument} must be ${expected(type)}, got ${shown(value)}: ${errorMessage(error)}`);
      }
  }
}

function expected(type: ColumnType): string {
  switch (type.kind) {
    case 'int':
      return 'a positive integer id';
    case 'bigint':
      return type.unsigned === true ? `a positive integer id up to ${UNSIGNED_BIGINT_MAX}` : 'a positive integer id';
    case 'string':
    case 'enum':
      return `a non-empty string of at most ${(type.kind === 'string' ? type.maxLength : undefined) ?? DEFAULT_STRING_KEY_LENGTH} characters`;
    case 'uuid':
    case 'uuidBinary':
      return 'a UUID (8-4-4-4-12 hex)';
    default:
      return `a ${type.kind} key value`;
  }
}

function componentOfRowValue(value: RowValue | undefined, column: string): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  throw new GatewayError('ROW_INVALID', `row has no usable key column ${column}: ${JSON.stringify(value) ?? 'undefined'}`);
}

function encodeRowId(components: readonly string[]): string {
  return components.length === 1 ? (components[0] ?? '') : JSON.stringify(components);
}

/** The id's components in key order, or null when it does not have that many. */
function decodeRowId(id: string, count: number): string[] | null {
  if (count === 1) return [id];
  let parsed: unknown;
  try {
    parsed = JSON.parse(id);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== count || !parsed.every((item) => typeof item === 'string')) return null;
  return parsed;
}

function typeOf(entity: KeyedEntity, column: string): ColumnType {
  const type = Object.hasOwn(entity.columns, column) ? entity.columns[column] : undefined;
  if (type === undefined) throw new Error(`entity ${entity.name}: key column ${column} is not among its columns`);
  return type;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value.slice(0, 40) : value;
  return JSON.stringify(text) ?? String(value);
}

import type { ColumnShape } from './table-shape.js';

/** The GraphQL side of a column: the decorator's type function body and the class property's TS type. */
export type GraphQLTypeName = 'ID' | 'String' | 'Int' | 'Float' | 'Boolean' | 'DateTimeScalar' | 'DecimalScalar' | 'JSONScalar';

export interface ColumnMapping {
  readonly column: string;
  /** Source of the column type in the declaration, e.g. `notNull(col.uuid())`. */
  readonly declaration: string;
  readonly graphql: GraphQLTypeName;
  readonly tsType: 'string' | 'number' | 'boolean' | 'unknown';
  readonly nullable: boolean;
  /** Numbers of this column reach GraphQL as strings (ids, and BIGINT, which outgrows Int and Float). */
  readonly asText: boolean;
  /** Why the mapping is what it is, when a reader could doubt it (written above the column). */
  readonly comment?: string;
}

export class UnsupportedColumnError extends Error {
  constructor(table: string, column: ColumnShape) {
    super(
      `${table}.${column.name}: the column type ${column.columnType} has no mapping; ` +
        'leave the table out (--tables) or declare the column by hand',
    );
    this.name = 'UnsupportedColumnError';
  }
}

interface BaseMapping {
  readonly type: string;
  readonly graphql: GraphQLTypeName;
  readonly tsType: ColumnMapping['tsType'];
  readonly comment?: string;
  readonly asText?: boolean;
}

const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon']);
const TEXT_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);
const BLOB_TYPES = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);

/**
 * One column's declaration and GraphQL type. `keyLike` columns (primary and foreign key columns)
 * become GraphQL IDs. Throws UnsupportedColumnError, naming the column, for a type with no safe
 * mapping rather than guessing.
 */
export function mapColumn(table: string, column: ColumnShape, keyLike: boolean): ColumnMapping {
  const base = baseMappingOf(table, column);
  const declaration = column.nullable ? base.type : `notNull(${base.type})`;
  const graphql = keyLike && base.graphql !== 'Boolean' ? 'ID' : base.graphql;
  return {
    column: column.name,
    declaration,
    graphql,
    tsType: graphql === 'ID' ? 'string' : base.tsType,
    nullable: column.nullable,
    asText: graphql === 'ID' || base.asText === true,
    ...(base.comment === undefined ? {} : { comment: base.comment }),
  };
}

function baseMappingOf(table: string, column: ColumnShape): BaseMapping {
  const unsigned = /\bunsigned\b/.test(column.columnType);
  switch (column.dataType) {
    case 'tinyint':
      if (/^tinyint\(1\)/.test(column.columnType)) return { type: 'col.bool()', graphql: 'Boolean', tsType: 'boolean' };
      return { type: 'col.int()', graphql: 'Int', tsType: 'number' };
    case 'smallint':
    case 'mediumint':
    case 'year':
      return { type: 'col.int()', graphql: 'Int', tsType: 'number' };
    case 'int':
    case 'integer':
      if (unsigned) {
        return {
          type: 'col.int()',
          graphql: 'Float',
          tsType: 'number',
          comment: 'INT UNSIGNED outgrows GraphQL Int (32-bit signed): served as Float, exact below 2^53.',
        };
      }
      return { type: 'col.int()', graphql: 'Int', tsType: 'number' };
    case 'bigint':
      return {
        type: unsigned ? 'col.bigint({ unsigned: true })' : 'col.bigint()',
        graphql: 'String',
        tsType: 'string',
        asText: true,
        comment: 'BIGINT: served as decimal text, exact beyond 2^53.',
      };
    case 'decimal':
    case 'numeric':
      return { type: `col.decimal(${column.numericScale ?? 0})`, graphql: 'DecimalScalar', tsType: 'string' };
    case 'float':
    case 'double':
    case 'real':
      return { type: 'col.float()', graphql: 'Float', tsType: 'number' };
    case 'bit':
      return { type: 'col.binary()', graphql: 'String', tsType: 'string', comment: 'BIT: its bytes as base64.' };
    case 'char':
    case 'varchar':
      if (column.dataType === 'char' && column.maxLength === 36) {
        return {
          type: 'col.uuid()',
          graphql: 'String',
          tsType: 'string',
          comment: 'CHAR(36): read as a text UUID (other text is refused); use col.string() if it holds anything else.',
        };
      }
      return {
        type: column.maxLength === null ? 'col.string()' : `col.string({ maxLength: ${column.maxLength} })`,
        graphql: 'String',
        tsType: 'string',
      };
    case 'uuid':
      return { type: 'col.uuid()', graphql: 'String', tsType: 'string', comment: "MariaDB's UUID type, as text." };
    case 'inet4':
    case 'inet6':
      return {
        type: 'col.string()',
        graphql: 'String',
        tsType: 'string',
        comment: `MariaDB's ${column.dataType.toUpperCase()} type, as text.`,
      };
    case 'enum':
      return { type: 'col.enum()', graphql: 'String', tsType: 'string', comment: `One of ${enumValuesOf(column.columnType)}.` };
    case 'set':
      return { type: 'col.string()', graphql: 'String', tsType: 'string', comment: 'SET: the chosen members, comma-separated.' };
    case 'binary':
      if (column.maxLength === 16) {
        return {
          type: 'col.uuidBinary()',
          graphql: 'String',
          tsType: 'string',
          comment: 'BINARY(16): read as a UUID, served as its lowercase text; use col.binary() if it holds anything else.',
        };
      }
      return { type: 'col.binary()', graphql: 'String', tsType: 'string', comment: 'Bytes as base64.' };
    case 'varbinary':
      return { type: 'col.binary()', graphql: 'String', tsType: 'string', comment: 'Bytes as base64.' };
    case 'date':
      return { type: 'col.date()', graphql: 'String', tsType: 'string', comment: 'DATE as YYYY-MM-DD.' };
    case 'time':
      return { type: 'col.time()', graphql: 'String', tsType: 'string', comment: 'TIME as HH:MM:SS[.fff].' };
    case 'datetime':
      return { type: `col.datetime(${column.datetimePrecision ?? 0})`, graphql: 'DateTimeScalar', tsType: 'string' };
    case 'timestamp':
      return { type: `col.timestamp(${column.datetimePrecision ?? 0})`, graphql: 'DateTimeScalar', tsType: 'string' };
    case 'json':
      return { type: 'col.json()', graphql: 'JSONScalar', tsType: 'unknown' };
    default:
      if (TEXT_TYPES.has(column.dataType)) {
        if (column.jsonCheck)
          return {
            type: 'col.json()',
            graphql: 'JSONScalar',
            tsType: 'unknown',
            comment: "MariaDB's JSON (LONGTEXT checked by json_valid).",
          };
        return { type: 'col.string()', graphql: 'String', tsType: 'string' };
      }
      if (BLOB_TYPES.has(column.dataType))
        return { type: 'col.binary()', graphql: 'String', tsType: 'string', comment: 'Bytes as base64.' };
      if (GEOMETRY_TYPES.has(column.dataType) || column.dataType === 'geometrycollection') {
        return {
          type: 'col.binary()',
          graphql: 'String',
          tsType: 'string',
          comment: `${column.dataType.toUpperCase()}: its internal WKB bytes as base64.`,
        };
      }
      throw new UnsupportedColumnError(table, column);
  }
}

function enumValuesOf(columnType: string): string {
  const inside = /^enum\((.*)\)$/s.exec(columnType)?.[1];
  return inside === undefined ? 'its ENUM values' : inside.replace(/,/g, ', ');
}

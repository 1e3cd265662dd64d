import type { Row } from '../rows/row.js';
import type { ColumnTypes } from '../rows/column-types.js';
import { keyColumnsOf } from './entity-key.js';

export { isRowIdOf, keyColumnsOf, keyOfRowId, keyParametersOf, parseEntityId, rowIdOf, rowIdOfKey, sqlParameterOf } from './entity-key.js';
export type { KeyedEntity, SqlKeyValue } from './entity-key.js';

/**
 * How the cache treats an entity's rows. `onChange: 'write'` lets the CDC applier store the new row
 * (reads stay hits); 'invalidate' only drops it (the next read refills from the database), for
 * tables whose rows are large or rarely read.
 */
export interface CachePolicy {
  readonly ttlSeconds: number;
  /** Up to this many seconds are added at random so entries filled together do not expire together. */
  readonly jitterSeconds: number;
  /** How long "no such row" is remembered. */
  readonly negativeTtlSeconds: number;
  readonly onChange: 'write' | 'invalidate';
}

/** A denormalised field copied into this entity's search document from a related entity's row. */
export interface EmbeddedRelation {
  /** The related entity's table. */
  readonly table: string;
  /** Column of this entity holding the related row's primary key. */
  readonly foreignKey: string;
  /**
   * The related columns `toDocument` reads. When listed, a change of the related row that leaves
   * them equal does not rewrite the embedding documents (stock changes with every sale; rewriting
   * every order line of a best-seller on each would multiply the write load). Omitted: every change
   * rewrites.
   */
  readonly columns?: readonly string[];
}

export interface SearchMapping {
  /** Alias name without the configured prefix, e.g. "products". */
  readonly index: string;
  /** Elasticsearch field mappings of the document. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Relations whose rows feed `toDocument`; a change to one updates the documents that embed it. */
  readonly embeds: readonly EmbeddedRelation[];
  /**
   * Builds the search document from the row and the embedded related rows (keyed by table): a new
   * object per call, since the gateway adds its sync field to it in place.
   */
  toDocument(row: Row, related: Readonly<Record<string, Row | null>>): Record<string, unknown>;
}

/**
 * Everything the generic machinery (cache-aside reads, CDC appliers, indexer, consistency checker)
 * needs to know about one table. Declared once, next to the entity's GraphQL type.
 */
export interface EntityDeclaration {
  /** GraphQL type name. */
  readonly name: string;
  readonly table: string;
  /**
   * The primary key: one column, or the columns of a composite key in key order. Row ids, cache
   * keys and document ids derive from it (see entity-key.ts).
   */
  readonly primaryKey: string | readonly string[];
  /** Every column the gateway reads, with its SQL type; only these are ever selected. */
  readonly columns: ColumnTypes;
  readonly cache: CachePolicy;
  readonly search?: SearchMapping;
}

export const defaultCachePolicy: CachePolicy = {
  ttlSeconds: 3600,
  jitterSeconds: 300,
  negativeTtlSeconds: 30,
  onChange: 'write',
};

/** Identifiers come only from declarations, and are checked once so SQL built from them is safe. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,63}$/;

/** An entity with a search mapping: the indexer, the appliers and reindex handle only these. */
export type SearchableEntity = EntityDeclaration & { readonly search: SearchMapping };

export function isSearchable(entity: EntityDeclaration): entity is SearchableEntity {
  return entity.search !== undefined;
}

/** Key columns must have a value with one exact text form (not JSON, not floats) that is not a flag. */
const UNKEYABLE_KINDS: ReadonlySet<string> = new Set(['json', 'float', 'bool']);

/** Checks a declaration and returns it frozen, keeping its declared type (searchable or not). */
export function defineEntity<Declaration extends EntityDeclaration>(declaration: Declaration): Declaration {
  const keyColumns = keyColumnsOf(declaration);
  for (const name of [declaration.table, ...keyColumns, ...Object.keys(declaration.columns)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`entity ${declaration.name}: ${JSON.stringify(name)} is not a plain SQL identifier`);
  }
  if (keyColumns.length === 0 || new Set(keyColumns).size !== keyColumns.length) {
    throw new Error(`entity ${declaration.name}: its primary key must name one or more distinct columns`);
  }
  for (const column of keyColumns) {
    const type = Object.hasOwn(declaration.columns, column) ? declaration.columns[column] : undefined;
    if (type === undefined) throw new Error(`entity ${declaration.name}: primary key ${column} is not among its columns`);
    if (UNKEYABLE_KINDS.has(type.kind))
      throw new Error(`entity ${declaration.name}: primary key ${column} cannot be a ${type.kind} column`);
  }
  if (declaration.search !== undefined) searchKeyFieldOf(declaration);
  if (typeof declaration.primaryKey !== 'string') Object.freeze(declaration.primaryKey);
  return Object.freeze(declaration);
}

const SEARCHABLE_KEY_KINDS: ReadonlySet<string> = new Set(['int', 'bigint']);

/**
 * The search document's key field: the single integer primary key. Reindex copies in key order,
 * bounding each page by a range on this field in Elasticsearch and by `pk > ?` in MySQL; the two
 * agree only for numbers. A string key sorts by collation in MySQL (case- and pad-insensitive) and
 * by bytes in a keyword field, so pages would miss or repeat documents; composite keys have no one
 * field. Such entities are refused when declared, with this message, rather than reindexed wrongly.
 */
export function searchKeyFieldOf(entity: EntityDeclaration): string {
  const [column, ...rest] = keyColumnsOf(entity);
  const type = column === undefined ? undefined : entity.columns[column];
  if (column === undefined || rest.length > 0 || type === undefined || !SEARCHABLE_KEY_KINDS.has(type.kind)) {
    throw new Error(
      `entity ${entity.name}: a search mapping needs a single integer (int or bigint) primary key, ` +
        `got ${JSON.stringify(entity.primaryKey)}; serve it without search (search on string, UUID and composite keys is not supported)`,
    );
  }
  return column;
}

import type { Row } from '../rows/row.js';
import type { ColumnTypes } from '../rows/column-types.js';

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
  /** Builds the search document from the row and the embedded related rows (keyed by table). */
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
  /** Single-column integer primary key. */
  readonly primaryKey: string;
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

/** Checks a declaration and returns it frozen, keeping its declared type (searchable or not). */
export function defineEntity<Declaration extends EntityDeclaration>(declaration: Declaration): Declaration {
  for (const name of [declaration.table, declaration.primaryKey, ...Object.keys(declaration.columns)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`entity ${declaration.name}: ${JSON.stringify(name)} is not a plain SQL identifier`);
  }
  if (declaration.columns[declaration.primaryKey] === undefined) {
    throw new Error(`entity ${declaration.name}: primary key ${declaration.primaryKey} is not among its columns`);
  }
  return Object.freeze(declaration);
}

/** A row's primary key as the string used in cache keys, document ids and GraphQL ids. */
export function rowIdOf(row: Row, primaryKey: string): string {
  const value = row[primaryKey];
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  throw new Error(`row has no usable primary key ${primaryKey}: ${JSON.stringify(value)}`);
}

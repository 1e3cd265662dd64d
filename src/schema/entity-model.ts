import type { ClassType } from 'type-graphql';
import type { EntityDeclaration } from './entity.js';

/**
 * A relation read from a foreign key. `belongsTo`: this row's `columns` hold the key of one row of
 * `table` (in that table's key order). `hasMany`: rows of `table` whose `foreignKey` column holds
 * this row's (single-column) key. Tables are named, not imported, so two entities can refer to
 * each other without an import cycle; the registry resolves them when the schema is built.
 */
export type EntityRelation =
  | { readonly kind: 'belongsTo'; readonly field: string; readonly table: string; readonly columns: readonly string[] }
  | { readonly kind: 'hasMany'; readonly field: string; readonly table: string; readonly foreignKey: string };

/**
 * Everything the generic GraphQL surface (src/resolvers/model-resolvers.ts) needs of one entity:
 * its declaration, its GraphQL type, which columns reach GraphQL as text (ids, BIGINT), and its
 * relations. `npm run generate` writes one per table.
 */
export interface EntityModel {
  readonly entity: EntityDeclaration;
  readonly type: ClassType;
  readonly textColumns: readonly string[];
  readonly relations: readonly EntityRelation[];
}

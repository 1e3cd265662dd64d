import type { EntityDeclaration } from './entity.js';

/**
 * The set of entities one gateway serves. The CDC applier finds a table's declaration here; tests
 * build registries with extra entities to prove nothing else needs to change.
 */
export interface EntityRegistry {
  readonly entities: readonly EntityDeclaration[];
  byTable(table: string): EntityDeclaration | undefined;
  byName(name: string): EntityDeclaration | undefined;
}

export function createEntityRegistry(entities: readonly EntityDeclaration[]): EntityRegistry {
  const tables = new Map(entities.map((entity) => [entity.table, entity]));
  const names = new Map(entities.map((entity) => [entity.name, entity]));
  if (tables.size !== entities.length || names.size !== entities.length) throw new Error('entity registry: duplicate table or name');
  return {
    entities,
    byTable: (table) => tables.get(table),
    byName: (name) => names.get(name),
  };
}

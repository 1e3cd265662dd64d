import type { EntityRelation } from '../schema/entity-model.js';
import { camelCaseOf, pascalCaseOf, singularOf } from './naming.js';
import type { ForeignKeyShape, TableShape } from './table-shape.js';

/** A relation the generator could not offer, with the reason (written as a comment in the file). */
export interface SkippedRelation {
  readonly foreignKey: string;
  readonly reason: string;
}

export interface TableRelations {
  readonly relations: readonly EntityRelation[];
  readonly skipped: readonly SkippedRelation[];
}

/**
 * Both directions of every foreign key between the generated tables: a belongs-to field on the
 * referencing table, a has-many field on the referenced one. Field names come from the column
 * (`author_id` → `author`) or the table (`loans`), and get a `By<Column>` suffix when that would
 * clash with a column or another relation of the same table.
 */
export function relationsOf(tables: readonly TableShape[]): Map<string, TableRelations> {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const result = new Map<string, { relations: EntityRelation[]; skipped: SkippedRelation[]; taken: Set<string> }>();
  for (const table of tables) {
    result.set(table.name, { relations: [], skipped: [], taken: new Set(table.columns.map((column) => camelCaseOf(column.name))) });
  }
  const entryOf = (table: string) => {
    const entry = result.get(table);
    if (entry === undefined) throw new Error(`no table ${table}`);
    return entry;
  };
  const claim = (table: string, preferred: string, fallback: string) => {
    const { taken } = entryOf(table);
    let name = taken.has(preferred) ? fallback : preferred;
    for (let n = 2; taken.has(name); n += 1) name = `${fallback}${n}`;
    taken.add(name);
    return name;
  };

  for (const table of tables) {
    for (const foreignKey of [...table.foreignKeys].sort((a, b) => a.name.localeCompare(b.name))) {
      const parent = byName.get(foreignKey.referencedTable);
      if (parent === undefined) {
        entryOf(table.name).skipped.push({ foreignKey: foreignKey.name, reason: `${foreignKey.referencedTable} is not generated` });
        continue;
      }
      const columns = childColumnsInKeyOrder(foreignKey, parent);
      if (columns === null) {
        entryOf(table.name).skipped.push({
          foreignKey: foreignKey.name,
          reason: `it references ${parent.name}(${foreignKey.referencedColumns.join(', ')}), not its primary key`,
        });
        continue;
      }
      const suffix = `By${pascalCaseOf(foreignKey.columns.join('_'))}`;
      const [only] = foreignKey.columns;
      // `author_id` → `author` (the parent key is `id`), `shelf_code` → `shelf` (it is `code`).
      const ending = `_${foreignKey.referencedColumns[0] ?? ''}`;
      const fromColumn =
        foreignKey.columns.length === 1 && only !== undefined && only.endsWith(ending) && only.length > ending.length
          ? camelCaseOf(only.slice(0, -ending.length))
          : null;
      const parentField = camelCaseOf(singularOf(parent.name));
      const belongsTo = claim(table.name, fromColumn ?? `${parentField}${suffix}`, `${parentField}${suffix}`);
      entryOf(table.name).relations.push({ kind: 'belongsTo', field: belongsTo, table: parent.name, columns });

      if (foreignKey.columns.length !== 1 || only === undefined) {
        entryOf(parent.name).skipped.push({
          foreignKey: foreignKey.name,
          reason: `${table.name}(${foreignKey.columns.join(', ')}) is a composite foreign key: no has-many list for it`,
        });
        continue;
      }
      const siblings = table.foreignKeys.filter((other) => other.referencedTable === parent.name).length;
      const plain = camelCaseOf(table.name);
      const hasMany = claim(parent.name, siblings > 1 ? `${plain}${suffix}` : plain, `${plain}${suffix}`);
      entryOf(parent.name).relations.push({ kind: 'hasMany', field: hasMany, table: table.name, foreignKey: only });
    }
  }
  return new Map([...result].map(([table, { relations, skipped }]) => [table, { relations, skipped }]));
}

/** The referencing columns ordered as the referenced table's primary key, or null if the key is not its primary key. */
function childColumnsInKeyOrder(foreignKey: ForeignKeyShape, parent: TableShape): string[] | null {
  if (parent.primaryKey.length !== foreignKey.referencedColumns.length) return null;
  const columns: string[] = [];
  for (const keyColumn of parent.primaryKey) {
    const index = foreignKey.referencedColumns.indexOf(keyColumn);
    const child = foreignKey.columns[index];
    if (index === -1 || child === undefined) return null;
    columns.push(child);
  }
  return columns;
}

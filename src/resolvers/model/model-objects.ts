import type { EntityModel } from '../../schema/entity-model.js';
import { fieldNameOf, toGraphQLObject } from '../../schema/entity-fields.js';
import type { EntityDeclaration } from '../../schema/entity.js';
import { keyColumnsOf, rowIdOfKey } from '../../schema/entity.js';
import type { Row } from '../../rows/row.js';
import { pluralOf } from '../../generate/naming.js';

/** A row as the model's GraphQL object: camelCase fields, ids and BIGINTs as text. */
export const objectConverterOf =
  (model: EntityModel) =>
  (row: Row): object =>
    toGraphQLObject<object>(row, model.textColumns);

/** The row id of a GraphQL object of the entity (its key fields, read back from their camelCase names). */
export function rowIdOfObject(entity: EntityDeclaration, object: object): string {
  const fields = object as Record<string, unknown>;
  return rowIdOfKey(entity, Object.fromEntries(keyColumnsOf(entity).map((column) => [column, fields[fieldNameOf(column)]])));
}

/** Query field names of an entity: `book`, `books`, `allBooks` (`Series` → `series`, `seriesList`, `allSeriesList`). */
export function queryNamesOf(entity: EntityDeclaration): { one: string; many: string; all: string } {
  const one = `${entity.name.charAt(0).toLowerCase()}${entity.name.slice(1)}`;
  const plural = pluralOf(one);
  const many = plural === one ? `${one}List` : plural;
  return { one, many, all: `all${many.charAt(0).toUpperCase()}${many.slice(1)}` };
}

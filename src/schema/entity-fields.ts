import type { Row, RowValue } from '../rows/row.js';

const camelCache = new Map<string, string>();

/** snake_case column → camelCase GraphQL field, memoised (it runs for every field of every row). */
export function fieldNameOf(column: string): string {
  let field = camelCache.get(column);
  if (field === undefined) {
    field = column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    camelCache.set(column, field);
  }
  return field;
}

/**
 * The GraphQL object for a cached or loaded row: the canonical values under camelCase names, ids as
 * strings (GraphQL ID). The object is what type-graphql's default field resolvers read.
 */
export function toGraphQLObject<T>(row: Row, idColumns: readonly string[]): T {
  const object: Record<string, RowValue> = {};
  for (const column in row) {
    const value = row[column] ?? null;
    object[fieldNameOf(column)] =
      idColumns.includes(column) && (typeof value === 'number' || typeof value === 'string') ? String(value) : value;
  }
  return object as T;
}

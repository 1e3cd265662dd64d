import { join } from 'node:path';
import { withHeader } from './generated-files.js';
import { tableNamesOf } from './naming.js';
import { relationsOf } from './relations.js';
import { renderEntityFile } from './render-entity-file.js';
import { renderIndexFile } from './render-index-file.js';
import type { TableShape } from './table-shape.js';

export interface GenerateOptions {
  /** The output folder; its last segment names the schema (`src/schema/generated/library` → `library`). */
  readonly outDir: string;
  readonly schemaName: string;
  /** Import path prefix from outDir to src/, e.g. `../../../`. */
  readonly srcPath: string;
  /** Table → columns to index (`--search`). */
  readonly search: ReadonlyMap<string, readonly string[]>;
  /** Source formatting (Prettier with the project's settings); identity in unit tests. */
  readonly format: (source: string) => Promise<string>;
}

/** Entity declarations only take plain lowercase identifiers (defineEntity checks the same). */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,63}$/;

/** Every file of the schema: one per table and the index, each with its generator header. */
export async function renderSchemaFiles(tables: readonly TableShape[], options: GenerateOptions): Promise<Map<string, string>> {
  for (const table of tables) {
    for (const name of [table.name, ...table.columns.map((column) => column.name)]) {
      if (!IDENTIFIER.test(name)) {
        throw new Error(
          `${table.name}: ${JSON.stringify(name)} is not a lowercase SQL identifier, which declarations require; leave the table out with --tables`,
        );
      }
    }
    if (table.primaryKey.length === 0)
      throw new Error(`${table.name} has no primary key, which the gateway needs; leave it out with --tables`);
  }
  refuseClashingTypeNames(tables.map((table) => table.name));
  for (const table of options.search.keys()) {
    if (!tables.some((candidate) => candidate.name === table)) throw new Error(`--search names ${table}, which is not generated`);
  }
  const relations = relationsOf(tables);
  const files = new Map<string, string>();
  for (const table of tables) {
    const searchColumns = options.search.get(table.name);
    const body = renderEntityFile(table, relations.get(table.name) ?? { relations: [], skipped: [] }, {
      srcPath: options.srcPath,
      ...(searchColumns === undefined ? {} : { searchColumns }),
    });
    files.set(
      join(options.outDir, tableNamesOf(table.name).fileName),
      withHeader(await options.format(body), `the table ${table.database}.${table.name}`),
    );
  }
  const database = tables[0]?.database ?? options.schemaName;
  const index = renderIndexFile(
    options.schemaName,
    tables.map((table) => table.name),
    options.srcPath,
  );
  files.set(join(options.outDir, 'index.ts'), withHeader(await options.format(index), `the database ${database}`));
  return files;
}

/** GraphQL types the generic surface defines itself, per schema and per entity (src/resolvers/model, src/resolvers/live). */
const SCHEMA_TYPES = [
  'Query',
  'Subscription',
  'Mutation',
  'PageInfo',
  'EntityChange',
  'EntityRow',
  'ChangeKind',
  'DateTime',
  'Decimal',
  'JSON',
];
const ENTITY_TYPE_SUFFIXES = ['Connection', 'Edge', 'Change'];

/** A table whose type name another type of the schema already has (`book_changes` → `BookChange`, the events of `books`) is refused. */
function refuseClashingTypeNames(tables: readonly string[]): void {
  const typeNames = new Map(tables.map((table) => [tableNamesOf(table).typeName, table]));
  const taken = new Map<string, string>(SCHEMA_TYPES.map((name) => [name, 'a type of the gateway itself']));
  for (const [typeName, table] of typeNames) {
    for (const suffix of ENTITY_TYPE_SUFFIXES) taken.set(`${typeName}${suffix}`, `the ${suffix.toLowerCase()} type of ${table}`);
  }
  for (const [typeName, table] of typeNames) {
    const owner = taken.get(typeName);
    if (owner !== undefined) {
      throw new Error(
        `${table}: its GraphQL type ${typeName} clashes with ${owner}; leave the table out with --tables, or generate it alone and rename the type`,
      );
    }
  }
}

/** `--search books:title,summary --search authors:name` → books → [title, summary], authors → [name]. */
export function parseSearchOptions(values: readonly string[]): Map<string, string[]> {
  const search = new Map<string, string[]>();
  for (const value of values) {
    const match = /^([a-z_][a-z0-9_]*):([a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*)$/.exec(value);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new Error(`--search expects table:column,column, got ${JSON.stringify(value)}`);
    }
    search.set(match[1], match[2].split(','));
  }
  return search;
}

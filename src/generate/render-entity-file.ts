import type { EntityRelation } from '../schema/entity-model.js';
import type { ColumnMapping } from './column-mapping.js';
import { mapColumn } from './column-mapping.js';
import { camelCaseOf, tableNamesOf } from './naming.js';
import type { TableRelations } from './relations.js';
import type { TableShape } from './table-shape.js';

export interface RenderOptions {
  /** Import path prefix from the output folder to src/, e.g. `../../../`. */
  readonly srcPath: string;
  /** Columns to index in Elasticsearch (`--search table:col,col`); absent: not searchable. */
  readonly searchColumns?: readonly string[];
}

const TYPE_FUNCTION: Record<ColumnMapping['graphql'], string> = {
  ID: 'ID',
  String: 'String',
  Int: 'Int',
  Float: 'Float',
  Boolean: 'Boolean',
  DateTimeScalar: 'DateTimeScalar',
  DecimalScalar: 'DecimalScalar',
  JSONScalar: 'JSONScalar',
};

/**
 * The file for one table: its entity declaration, its relations, its GraphQL type and the model
 * tying them together, as a person would write it (see product.type.ts). Pure: the same table
 * shape always renders the same text.
 */
export function renderEntityFile(table: TableShape, relations: TableRelations, options: RenderOptions): string {
  if (table.primaryKey.length === 0) throw new Error(`${table.name} has no primary key: the gateway reads and caches rows by key`);
  const names = tableNamesOf(table.name);
  const keyLike = new Set([...table.primaryKey, ...table.foreignKeys.flatMap((foreignKey) => foreignKey.columns)]);
  const mappings = table.columns.map((column) => mapColumn(table.name, column, keyLike.has(column.name)));
  const search = options.searchColumns === undefined ? null : searchMappingOf(table, mappings, options.searchColumns);
  const typeImports = new Set<string>(['Field', 'ObjectType']);
  const scalarImports = new Set<string>();
  for (const mapping of mappings) {
    if (['ID', 'Int', 'Float'].includes(mapping.graphql)) typeImports.add(mapping.graphql);
    if (mapping.graphql.endsWith('Scalar')) scalarImports.add(mapping.graphql);
  }
  const usesNotNull = mappings.some((mapping) => !mapping.nullable);
  const key = table.primaryKey.length === 1 ? `'${table.primaryKey[0] ?? ''}'` : `[${table.primaryKey.map((c) => `'${c}'`).join(', ')}]`;
  const src = options.srcPath;
  const lines = [
    `import 'reflect-metadata';`,
    `import { ${[...typeImports].sort().join(', ')} } from 'type-graphql';`,
    `import { col${usesNotNull ? ', notNull' : ''} } from '${src}rows/column-types.js';`,
    `import { defaultCachePolicy, defineEntity } from '${src}schema/entity.js';`,
    `import type { EntityModel, EntityRelation } from '${src}schema/entity-model.js';`,
    ...(scalarImports.size === 0 ? [] : [`import { ${[...scalarImports].sort().join(', ')} } from '${src}schema/scalars.js';`]),
    '',
    `export const ${names.field}Entity = defineEntity({`,
    `  name: '${names.typeName}',`,
    `  table: '${table.name}',`,
    `  primaryKey: ${key},`,
    '  columns: {',
    ...mappings.flatMap((mapping) => [...commentLines(mapping.comment, '    '), `    ${mapping.column}: ${mapping.declaration},`]),
    '  },',
    '  cache: defaultCachePolicy,',
    ...(search === null ? [] : search),
    '});',
    '',
    ...relationLines(names.field, relations),
    '',
    `@ObjectType('${names.typeName}', { description: 'A row of ${table.database}.${table.name}.', simpleResolvers: true })`,
    `export class ${names.typeName} {`,
    ...mappings.map((mapping) => fieldLine(mapping)),
    '}',
    '',
    `export const ${names.field}Model: EntityModel = {`,
    `  entity: ${names.field}Entity,`,
    `  type: ${names.typeName},`,
    `  textColumns: [${mappings
      .filter((mapping) => mapping.asText)
      .map((mapping) => `'${mapping.column}'`)
      .join(', ')}],`,
    `  relations: ${names.field}Relations,`,
    '};',
  ];
  return `${lines.join('\n')}\n`;
}

function commentLines(comment: string | undefined, indent: string): string[] {
  return comment === undefined ? [] : [`${indent}// ${comment}`];
}

function fieldLine(mapping: ColumnMapping): string {
  const options = mapping.nullable ? ', { nullable: true }' : '';
  // `unknown` already holds null (and `unknown | null` is a redundant type to the linter).
  const tsType = mapping.nullable && mapping.tsType !== 'unknown' ? `${mapping.tsType} | null` : mapping.tsType;
  return `  @Field(() => ${TYPE_FUNCTION[mapping.graphql]}${options}) ${camelCaseOf(mapping.column)}!: ${tsType};`;
}

function relationLines(field: string, relations: TableRelations): string[] {
  const skipped = relations.skipped.map((skip) => `// Foreign key ${skip.foreignKey} has no field here: ${skip.reason}.`);
  const entries = relations.relations.map((relation) => `  ${relationLiteral(relation)},`);
  return [
    ...skipped,
    `export const ${field}Relations: readonly EntityRelation[] = [${entries.length === 0 ? '];' : ''}`,
    ...(entries.length === 0 ? [] : [...entries, '];']),
  ];
}

function relationLiteral(relation: EntityRelation): string {
  if (relation.kind === 'belongsTo') {
    return `{ kind: 'belongsTo', field: '${relation.field}', table: '${relation.table}', columns: [${relation.columns.map((c) => `'${c}'`).join(', ')}] }`;
  }
  return `{ kind: 'hasMany', field: '${relation.field}', table: '${relation.table}', foreignKey: '${relation.foreignKey}' }`;
}

/** Elasticsearch field per listed column; only an integer single-column key can be reindexed in key order. */
function searchMappingOf(table: TableShape, mappings: readonly ColumnMapping[], columns: readonly string[]): string[] {
  const [key, ...rest] = table.primaryKey;
  const keyMapping = mappings.find((mapping) => mapping.column === key);
  if (key === undefined || rest.length > 0 || keyMapping === undefined || !/col\.(int|bigint)\(/.test(keyMapping.declaration)) {
    throw new Error(
      `--search ${table.name}: a searchable table needs a single integer primary key, ${table.name} has (${table.primaryKey.join(', ')})`,
    );
  }
  const fields = [key, ...columns.filter((column) => column !== key)];
  const properties = fields.map((column) => {
    const mapping = mappings.find((candidate) => candidate.column === column);
    if (mapping === undefined) throw new Error(`--search ${table.name}: it has no column ${column}`);
    const line = `      ${column}: ${literalOf(elasticsearchTypeOf(mapping))},`;
    // Unsigned BIGINT ids (AUTO_INCREMENT) stay far below 2^63 in practice; say what happens past it.
    return mapping.declaration.includes('unsigned: true')
      ? [
          `      // BIGINT UNSIGNED as long: a value above 2^63-1 is refused by Elasticsearch (logged as rejected; a reindex will not swap without it).`,
          line,
        ]
      : [line];
  });
  return [
    '  search: {',
    `    index: '${table.name}',`,
    '    embeds: [],',
    '    properties: {',
    ...properties.flat(),
    '    },',
    `    toDocument: (row) => ({ ${fields.map((column) => `${column}: row.${column}`).join(', ')} }),`,
    '  },',
  ];
}

/** A mapping object as TypeScript source: `{ type: 'text', fields: { … } }`. */
function literalOf(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object' || value === null) return String(value);
  return `{ ${Object.entries(value)
    .map(([key, inner]) => `${key}: ${literalOf(inner)}`)
    .join(', ')} }`;
}

function elasticsearchTypeOf(mapping: ColumnMapping): Record<string, unknown> {
  const type = /col\.(\w+)\(/.exec(mapping.declaration)?.[1] ?? 'string';
  switch (type) {
    case 'int':
    case 'bigint':
      return { type: 'long' };
    case 'decimal':
    case 'float':
      return { type: 'double' };
    case 'bool':
      return { type: 'boolean' };
    case 'datetime':
    case 'timestamp':
    case 'date':
      return { type: 'date' };
    case 'string':
      return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    default:
      return { type: 'keyword' };
  }
}

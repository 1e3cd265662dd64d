import { camelCaseOf, tableNamesOf } from './naming.js';

/** The index of a generated schema: its models in table order and the entity list registries are built from. */
export function renderIndexFile(schemaName: string, tables: readonly string[], srcPath: string): string {
  const prefix = camelCaseOf(schemaName.replace(/[^a-z0-9_]/gi, '_').toLowerCase());
  const sorted = [...tables].sort();
  const models = sorted.map((table) => tableNamesOf(table));
  const lines = [
    `import type { EntityModel } from '${srcPath}schema/entity-model.js';`,
    ...models.map((names) => `import { ${names.field}Model } from './${names.fileName.replace(/\.ts$/, '.js')}';`),
    '',
    `export const ${prefix}Models: readonly EntityModel[] = [${models.map((names) => `${names.field}Model`).join(', ')}];`,
    '',
    `export const ${prefix}Entities = ${prefix}Models.map((model) => model.entity);`,
  ];
  return `${lines.join('\n')}\n`;
}

import { isDeepStrictEqual } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import type { RowSource } from '../../src/db/row-source.js';
import type { EntityRegistry } from '../../src/schema/entity-registry.js';
import type { EntityDeclaration } from '../../src/schema/entity.js';
import { searchAlias } from '../../src/index/index-manager.js';
import { SYNC_FIELD } from '../../src/index/search-documents.js';
import type { Row } from '../../src/rows/row.js';

export interface SearchComparison {
  readonly equal: number;
  readonly stale: string[];
  readonly missing: string[];
  readonly resurrected: string[];
}

/** Each id's search document against what the entity's toDocument makes of the MySQL row now. */
export async function compareSearchWithDatabase(
  client: Client,
  indexPrefix: string,
  rows: RowSource,
  registry: EntityRegistry,
  entity: EntityDeclaration,
  ids: readonly string[],
): Promise<SearchComparison> {
  const mapping = entity.search;
  if (mapping === undefined) throw new Error(`${entity.table} is not searchable`);
  const index = searchAlias(indexPrefix, mapping);
  const [found, documents] = await Promise.all([
    rows.selectByIds(entity, ids),
    client.mget<Record<string, unknown>>({ index, ids: [...ids] }),
  ]);
  const related: Record<string, Map<string, Row>> = {};
  for (const embed of mapping.embeds) {
    const relatedEntity = registry.byTable(embed.table);
    if (relatedEntity === undefined) continue;
    const keys = [...found.values()]
      .map((row) => row[embed.foreignKey])
      .filter((key): key is number | string => typeof key === 'number' || typeof key === 'string')
      .map(String);
    related[embed.table] = await rows.selectByIds(relatedEntity, [...new Set(keys)]);
  }
  const result = { equal: 0, stale: [] as string[], missing: [] as string[], resurrected: [] as string[] };
  documents.docs.forEach((doc, position) => {
    const id = ids[position] ?? '';
    const source = 'found' in doc && doc.found ? doc._source : undefined;
    const live = source !== undefined && (source[SYNC_FIELD] as { deleted?: boolean } | undefined)?.deleted !== true;
    const row = found.get(id);
    if (row === undefined) {
      if (live) result.resurrected.push(id);
      else result.equal += 1;
      return;
    }
    if (!live || source === undefined) {
      result.missing.push(id);
      return;
    }
    const keyOf = (value: Row[string]) => (typeof value === 'number' || typeof value === 'string' ? String(value) : '');
    const relatedRows = Object.fromEntries(
      mapping.embeds.map((embed) => [embed.table, related[embed.table]?.get(keyOf(row[embed.foreignKey] ?? null)) ?? null]),
    );
    const expected = JSON.parse(JSON.stringify(mapping.toDocument(row, relatedRows))) as Record<string, unknown>;
    const { [SYNC_FIELD]: _sync, ...actual } = source;
    if (isDeepStrictEqual(actual, expected)) result.equal += 1;
    else result.stale.push(id);
  });
  return result;
}

import type { Client } from '@elastic/elasticsearch';
import { isDeepStrictEqual } from 'node:util';
import type { RowSource } from '../db/row-source.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EntityDeclaration, SearchMapping } from '../schema/entity.js';
import { rowIdOf, searchKeyFieldOf } from '../schema/entity.js';
import { searchAlias } from '../index/index-manager.js';
import type { DocumentInputs, EmbedState } from '../index/search-documents.js';
import { liveDocumentsFilter, readSyncState, SYNC_FIELD } from '../index/search-documents.js';
import type { Row, RowVersion } from '../rows/row.js';

/** One search document that disagrees with MySQL, with what repairing it needs. */
export interface SearchFinding {
  readonly id: string;
  readonly problem: 'stale' | 'missing' | 'resurrected';
  /** The document's version (0 when there is none): a repair writes at this version or above. */
  readonly version: RowVersion;
  /** For stale/missing: the inputs of the document MySQL's row calls for. */
  readonly inputs: DocumentInputs | null;
  readonly embeds: Readonly<Record<string, EmbedState>>;
}

/**
 * The document's version: the exact text the gateway stores in the sync field, else Elasticsearch's
 * _version when it is exact as a JS number (a foreign document), else 0 (a repair then cannot land
 * and is reported as not repaired rather than guessed).
 */
function documentVersion(source: unknown, elasticsearchVersion: number | undefined): RowVersion {
  const state = readSyncState(source);
  if (state !== null) return state.version;
  return elasticsearchVersion !== undefined && Number.isSafeInteger(elasticsearchVersion) ? BigInt(elasticsearchVersion) : 0n;
}

const keyOf = (value: Row[string] | undefined): string | null =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : null;

async function relatedRowsOf(rows: RowSource, registry: EntityRegistry, mapping: SearchMapping, batch: readonly Row[]) {
  const related = new Map<string, Map<string, Row>>();
  for (const embed of mapping.embeds) {
    const entity = registry.byTable(embed.table);
    const keys = [...new Set(batch.map((row) => keyOf(row[embed.foreignKey])).filter((key): key is string => key !== null))];
    related.set(embed.table, entity === undefined ? new Map<string, Row>() : await rows.selectByIds(entity, keys));
  }
  return related;
}

/** Compares the documents of a batch of MySQL rows (all present in MySQL) with what they should be. */
export async function checkSearchBatch(
  deps: { client: Client; rows: RowSource; registry: EntityRegistry; indexPrefix: string },
  entity: EntityDeclaration,
  batch: readonly Row[],
): Promise<SearchFinding[]> {
  const mapping = entity.search;
  if (mapping === undefined || batch.length === 0) return [];
  const ids = batch.map((row) => rowIdOf(row, entity));
  const [response, related] = await Promise.all([
    deps.client.mget<Record<string, unknown>>({ index: searchAlias(deps.indexPrefix, mapping), ids }),
    relatedRowsOf(deps.rows, deps.registry, mapping, batch),
  ]);
  const findings: SearchFinding[] = [];
  response.docs.forEach((doc, position) => {
    const row = batch[position] as Row;
    const id = ids[position] as string;
    const source = 'found' in doc && doc.found ? doc._source : undefined;
    const state = readSyncState(source);
    const version = documentVersion(source, 'found' in doc && doc.found ? doc._version : undefined);
    const relatedRows = Object.fromEntries(
      mapping.embeds.map((embed) => [embed.table, related.get(embed.table)?.get(keyOf(row[embed.foreignKey]) ?? '') ?? null]),
    );
    const embeds = Object.fromEntries(
      mapping.embeds.map((embed) => [
        embed.table,
        { id: keyOf(row[embed.foreignKey]), version: state?.embeds[embed.table]?.version ?? 0n },
      ]),
    );
    const inputs = { row, related: relatedRows };
    if (source === undefined || state === null || state.deleted) {
      findings.push({ id, problem: 'missing', version, inputs, embeds });
      return;
    }
    const expected = JSON.parse(JSON.stringify(mapping.toDocument(row, relatedRows))) as Record<string, unknown>;
    const { [SYNC_FIELD]: _sync, ...actual } = source;
    if (!isDeepStrictEqual(actual, expected)) findings.push({ id, problem: 'stale', version, inputs, embeds });
  });
  return findings;
}

/**
 * Live documents whose row MySQL no longer has: pages through the index in id order (search_after)
 * and asks MySQL about each page.
 */
export async function findResurrectedDocuments(
  deps: { client: Client; rows: RowSource; indexPrefix: string },
  entity: EntityDeclaration,
  pageSize: number,
  onPage: () => Promise<void>,
): Promise<SearchFinding[]> {
  const mapping = entity.search;
  // Paging needs a sortable key: the primary key's own field (_id has no doc values in 8.x).
  if (mapping === undefined) return [];
  const keyField = searchKeyFieldOf(entity);
  if (mapping.properties[keyField] === undefined) return [];
  const findings: SearchFinding[] = [];
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await deps.client.search({
      index: searchAlias(deps.indexPrefix, mapping),
      size: pageSize,
      _source: [`${SYNC_FIELD}.version`],
      version: true,
      query: liveDocumentsFilter,
      sort: [{ [keyField]: 'asc' }],
      ...(after === undefined ? {} : { search_after: after }),
    });
    const hits = page.hits.hits;
    if (hits.length === 0) return findings;
    const ids = hits.map((hit) => hit._id ?? '');
    const existing = await deps.rows.selectByIds(entity, ids);
    for (const hit of hits) {
      if (hit._id !== undefined && !existing.has(hit._id)) {
        findings.push({
          id: hit._id,
          problem: 'resurrected',
          version: documentVersion(hit._source, hit._version),
          inputs: null,
          embeds: {},
        });
      }
    }
    after = hits[hits.length - 1]?.sort as (string | number)[] | undefined;
    if (after === undefined) return findings;
    await onPage();
  }
}

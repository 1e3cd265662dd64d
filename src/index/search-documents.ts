import type { EntityDeclaration, SearchMapping } from '../schema/entity.js';
import { searchKeyFieldOf } from '../schema/entity.js';
import type { Row, RowValue, RowVersion } from '../rows/row.js';
import { MAX_ROW_VERSION } from '../rows/row.js';
import { formatVersion, parseVersion } from '../rows/row-version.js';

/*
 * The shape of a search document as the gateway writes it: the entity's own fields from
 * `toDocument`, plus one internal object field (SYNC_FIELD) that the sync machinery owns. Pure
 * functions only: they are what the unit tests cover.
 *
 * Versions inside documents are 19-digit zero-padded strings (formatVersion): exact beyond 2^53
 * when read back through JSON.parse, and string order equals numeric order, so keyword range
 * queries compare them correctly.
 */

export const SYNC_FIELD = 'gateway_sync';

/** Where each embedded related row came from and which of its versions the document reflects. */
export interface EmbedState {
  /** Related row's primary key, null when the foreign key is null. */
  readonly id: string | null;
  /** 0 when the related row's CDC version is not known (read from the database, never changed through CDC yet). */
  readonly version: RowVersion;
}

/**
 * What `toDocument` was called with. Kept in the document (stored, not indexed) so a related row's
 * change can recompute exactly the document of this row version without a database read.
 */
export interface DocumentInputs {
  readonly row: Row;
  readonly related: Readonly<Record<string, Row | null>>;
}

/** The internal state read back from a live document's _source. */
export interface SyncState {
  readonly version: RowVersion;
  readonly deleted: boolean;
  readonly embeds: Readonly<Record<string, EmbedState>>;
  readonly inputs: DocumentInputs | null;
}

/** Mapping of SYNC_FIELD: one embed slot per declared relation. */
export function syncFieldMapping(mapping: SearchMapping): Record<string, unknown> {
  const embedSlot = { properties: { id: { type: 'keyword' }, version: { type: 'keyword' } } };
  return {
    properties: {
      deleted: { type: 'boolean' },
      version: { type: 'keyword' },
      written_at: { type: 'date', format: 'epoch_millis' },
      embeds: { properties: Object.fromEntries(mapping.embeds.map((embed) => [embed.table, embedSlot])) },
      inputs: { type: 'object', enabled: false },
    },
  };
}

/**
 * Search layer: every query must include this clause, or deleted rows (kept as versioned
 * tombstones so late replays cannot resurrect them) would show up in results.
 */
export const liveDocumentsFilter = Object.freeze({ bool: { must_not: [{ term: { [`${SYNC_FIELD}.deleted`]: true } }] } });

export function liveDocument(
  mapping: SearchMapping,
  inputs: DocumentInputs,
  version: RowVersion,
  embeds: Readonly<Record<string, EmbedState>>,
  writtenAtMs: number,
): Record<string, unknown> {
  const document = mapping.toDocument(inputs.row, inputs.related);
  const embedFields: Record<string, unknown> = {};
  for (const table in embeds) {
    const state = embeds[table] as EmbedState;
    embedFields[table] = { id: state.id, version: formatVersion(state.version) };
  }
  // toDocument returns a fresh object per call: it is completed in place, not copied (one document
  // per change is the hot path's largest allocation).
  document[SYNC_FIELD] = {
    deleted: false,
    version: formatVersion(version),
    written_at: writtenAtMs,
    embeds: embedFields,
    inputs: storedInputs(document, inputs),
  };
  return document;
}

/**
 * The inputs as stored: a row column whose value the document already holds, under the same name
 * and equal, is listed in `from_document` instead of copied (most columns of a typical `toDocument`
 * pass through unchanged, so a full copy of the row would double the document: twice the bytes for
 * Elasticsearch to compress, store and rewrite in every merge). Exact: only equal values are left out.
 */
function storedInputs(document: Readonly<Record<string, unknown>>, inputs: DocumentInputs): Record<string, unknown> {
  const row: Record<string, RowValue> = {};
  const fromDocument: string[] = [];
  for (const column in inputs.row) {
    const value = inputs.row[column] as RowValue;
    if (Object.hasOwn(document, column) && sameJson(document[column], value)) fromDocument.push(column);
    else row[column] = value;
  }
  return fromDocument.length === 0 ? { row, related: inputs.related } : { row, from_document: fromDocument, related: inputs.related };
}

/** Equal as JSON: the same primitive, or objects and arrays that serialize alike. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A deleted row: only its id (when the mapping has the key field) and the delete's version. */
export function tombstoneDocument(
  entity: EntityDeclaration,
  id: string,
  version: RowVersion,
  writtenAtMs: number,
): Record<string, unknown> {
  const keyColumn = entity.search === undefined ? undefined : searchKeyFieldOf(entity);
  const keyField = keyColumn === undefined || entity.search?.properties[keyColumn] === undefined ? {} : { [keyColumn]: id };
  return { ...keyField, [SYNC_FIELD]: { deleted: true, version: formatVersion(version), written_at: writtenAtMs } };
}

/** Reads SYNC_FIELD back from a hit's _source; null when the document is not one the gateway wrote. */
export function readSyncState(source: unknown): SyncState | null {
  const sync = field(source, SYNC_FIELD);
  const versionText = field(sync, 'version');
  if (typeof versionText !== 'string') return null;
  const embeds: Record<string, EmbedState> = {};
  const rawEmbeds = field(sync, 'embeds');
  if (isObject(rawEmbeds)) {
    for (const [table, slot] of Object.entries(rawEmbeds)) {
      const id = field(slot, 'id');
      const embedVersion = field(slot, 'version');
      if (typeof embedVersion === 'string') embeds[table] = { id: typeof id === 'string' ? id : null, version: parseVersion(embedVersion) };
    }
  }
  const rawInputs = field(sync, 'inputs');
  const row = field(rawInputs, 'row');
  const related = field(rawInputs, 'related');
  const inputs =
    isObject(row) && isObject(related)
      ? {
          row: withColumnsFromDocument(row as Row, field(rawInputs, 'from_document'), source),
          related: related as Record<string, Row | null>,
        }
      : null;
  return { version: parseVersion(versionText), deleted: field(sync, 'deleted') === true, embeds, inputs };
}

/** The stored row completed with the columns it left to the document (`from_document`): the row `toDocument` was given. */
function withColumnsFromDocument(row: Row, fromDocument: unknown, source: unknown): Row {
  if (!Array.isArray(fromDocument) || fromDocument.length === 0) return row;
  const complete: Record<string, RowValue> = {};
  for (const column of fromDocument) {
    if (typeof column === 'string') complete[column] = (field(source, column) ?? null) as RowValue;
  }
  return { ...complete, ...row };
}

export type BulkOperation =
  | {
      readonly action: 'index';
      readonly index: string;
      readonly id: string;
      readonly version: RowVersion;
      /** `external` for CDC writes (strictly newer only); `external_gte` to rewrite a document at its own version. */
      readonly versionType: 'external' | 'external_gte';
      readonly document: Record<string, unknown>;
    }
  | {
      readonly action: 'delete';
      readonly index: string;
      readonly id: string;
      readonly version: RowVersion;
      readonly versionType: 'external_gte';
    };

/**
 * The _bulk body. Action lines are assembled by hand because versions are bigints: JSON.stringify
 * cannot write them and a JS number would round anything above 2^53, so the version goes in as
 * exact integer text. Documents contain only canonical row values (no bigints) and use JSON.stringify.
 */
export function bulkNdjson(operations: readonly BulkOperation[]): string {
  const lines: string[] = [];
  for (const operation of operations) {
    if (operation.version < 0n || operation.version > MAX_ROW_VERSION) {
      throw new RangeError(
        `bulk ${operation.action} of ${operation.index}/${operation.id}: version ${operation.version} is outside 0..2^63-1`,
      );
    }
    lines.push(
      `{${JSON.stringify(operation.action)}:{"_index":${JSON.stringify(operation.index)},"_id":${JSON.stringify(operation.id)},` +
        `"version":${operation.version.toString()},"version_type":${JSON.stringify(operation.versionType)}}}`,
    );
    if (operation.action === 'index') lines.push(JSON.stringify(operation.document));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export type ItemOutcome = 'applied' | 'stale' | 'retry' | 'rejected';

/**
 * One bulk item's result. 409 is the version guard: the index already holds this version or a newer
 * one. A delete of a missing document answers 404 without an error: nothing left to delete. A 404
 * with an error is a missing alias (require_alias): indices not set up yet, worth waiting for.
 */
export function classifyBulkItem(status: number, hasError: boolean): ItemOutcome {
  if (status >= 200 && status < 300) return 'applied';
  if (status === 409) return 'stale';
  if (status === 404) return hasError ? 'retry' : 'applied';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'rejected';
}

/** Live documents whose row version is below `version` (truncate). */
export const versionBelow = (version: RowVersion) => ({ range: { [`${SYNC_FIELD}.version`]: { lt: formatVersion(version) } } });

/** Tombstones written before `cutoffMs` (housekeeping). */
export const tombstonesWrittenBefore = (cutoffMs: number) => ({
  bool: { filter: [{ term: { [`${SYNC_FIELD}.deleted`]: true } }, { range: { [`${SYNC_FIELD}.written_at`]: { lt: cutoffMs } } }] },
});

/**
 * Live documents embedding one of the given related rows at an older version than the change:
 * the version test runs in Elasticsearch, so replays touch no document. `id: null` selects every
 * document that embeds any row of the table (a truncate of the related table).
 */
export function embedsOutdated(
  table: string,
  updates: readonly { readonly id: string | null; readonly version: RowVersion }[],
): Record<string, unknown> {
  const idField = `${SYNC_FIELD}.embeds.${table}.id`;
  const versionField = `${SYNC_FIELD}.embeds.${table}.version`;
  const selectors = updates.map((update) => ({
    bool: {
      filter: [update.id === null ? { exists: { field: idField } } : { term: { [idField]: update.id } }],
      must_not: [{ range: { [versionField]: { gte: formatVersion(update.version) } } }],
    },
  }));
  return { bool: { filter: [liveDocumentsFilter, { bool: { should: selectors, minimum_should_match: 1 } }] } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined;
}

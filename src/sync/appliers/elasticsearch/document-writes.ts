import type { RowSource } from '../../../db/row-source.js';
import { GatewayError } from '../../../errors.js';
import type { EntityRegistry } from '../../../schema/entity-registry.js';
import type { EntityDeclaration } from '../../../schema/entity.js';
import type { Row, RowVersion } from '../../../rows/row.js';
import type { BulkWriter } from '../../../index/bulk-writer.js';
import { forEachPage, refreshIndex, sendBulk } from '../../../index/bulk-writer.js';
import type { SearchableEntity } from '../../../schema/entity.js';
import type { BulkOperation, EmbedState, ItemOutcome } from '../../../index/search-documents.js';
import { SYNC_FIELD, liveDocument, readSyncState, tombstoneDocument, versionBelow } from '../../../index/search-documents.js';
import { embeddersByTable, foreignId } from './embed-relevance.js';
import { isSearchable } from '../../../schema/entity.js';
import { raiseGuards, readGuards, relatedGuardKey, relatedGuardVersion, truncateGuardKey } from '../../../index/sync-guards.js';

/*
 * The version-guarded writes behind both the CDC applier and the reindex copy, with the target
 * index (an alias) explicit on every write: the applier writes each change to the live alias and,
 * while a reindex builds, to the build alias too; the copy writes only to the build alias.
 *
 * Races between processes (during a rebalance, or a product and its category on different
 * partitions): a document records the related versions it read from the guard index *before*
 * reading the related rows from the database; a related change raises the guard *before* it
 * refreshes and selects the documents to rewrite. After writing, the document side reads the guards
 * again: if one moved, the related change may have missed the new document, so it is rebuilt from a
 * fresh database read. Either side therefore sees the other's write.
 */

export interface DocumentWrite {
  readonly entity: SearchableEntity;
  readonly id: string;
  readonly version: RowVersion;
  /** The row at `version`; null writes a tombstone (the row was deleted). */
  readonly row: Row | null;
  /** The alias written to. */
  readonly index: string;
}

/** Which aliases a change of this entity goes to. */
export type TargetsOf = (entity: SearchableEntity) => readonly string[];

export interface Tally {
  applied: number;
  stale: number;
}

export interface DocumentWriterDependencies {
  readonly writer: BulkWriter;
  readonly rows: RowSource;
  readonly registry: EntityRegistry;
  readonly guardIndex: string;
  /** Documents per page when deleting by query (truncates, tombstone purge). */
  readonly pageSize: number;
  readonly now: () => number;
}

export interface DocumentWriter {
  /** One outcome per write, in order; a change below its table's truncate floor is 'stale'. */
  writeDocuments(writes: readonly DocumentWrite[]): Promise<ItemOutcome[]>;
  applyTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void>;
  /** Deletes every hit at its own exact version: one rewritten meanwhile (newer) survives. */
  deleteHits(index: string, query: Record<string, unknown>): Promise<number>;
}

const MAX_RECHECK_ROUNDS = 3;

export function createDocumentWriter(deps: DocumentWriterDependencies): DocumentWriter {
  const { writer, guardIndex, now } = deps;
  const { client } = writer;
  for (const table of embeddersByTable(deps.registry).keys()) relatedEntity(table);

  function relatedEntity(table: string) {
    const entity = deps.registry.byTable(table);
    if (entity === undefined) throw new GatewayError('CONFIG_INVALID', `search embeds table ${table}, which the registry does not declare`);
    return entity;
  }

  function guardKeys(write: DocumentWrite): string[] {
    const keys = [truncateGuardKey(write.entity.table)];
    if (write.row === null) return keys;
    for (const relation of write.entity.search.embeds) {
      const id = foreignId(write.row, relation);
      if (id !== null) keys.push(relatedGuardKey(relation.table, id), truncateGuardKey(relation.table));
    }
    return keys;
  }

  async function writeDocuments(writes: readonly DocumentWrite[], round = 1): Promise<ItemOutcome[]> {
    if (writes.length === 0) return [];
    const before = await readGuards(client, guardIndex, writes.flatMap(guardKeys));
    const planned = await planDocuments(writes, before, round);
    return settleDocuments(
      writes,
      before,
      planned,
      await sendBulk(
        writer,
        planned.flatMap((operation) => operation ?? []),
      ),
      round,
    );
  }

  async function planDocuments(
    writes: readonly DocumentWrite[],
    before: ReadonlyMap<string, RowVersion>,
    round: number,
  ): Promise<(BulkOperation | null)[]> {
    const related = await loadRelated(writes);
    return writes.map((write) => plan(write, before, related, round > 1, now()));
  }

  /** Outcomes from what the bulk answered, after the recheck: writes whose related guards moved meanwhile are redone. */
  async function settleDocuments(
    writes: readonly DocumentWrite[],
    before: ReadonlyMap<string, RowVersion>,
    planned: readonly (BulkOperation | null)[],
    sent: readonly ItemOutcome[],
    round: number,
  ): Promise<ItemOutcome[]> {
    let next = 0;
    const outcomes = planned.map((operation): ItemOutcome => (operation === null ? 'stale' : (sent[next++] ?? 'retry')));
    const written = writes.filter((_, position) => planned[position] !== null && outcomes[position] === 'applied');
    const after = await readGuards(client, guardIndex, written.flatMap(guardKeys));
    const moved = written.filter((write) => guardKeys(write).some((key) => (after.get(key) ?? 0n) > (before.get(key) ?? 0n)));
    if (moved.length > 0) {
      if (round >= MAX_RECHECK_ROUNDS)
        throw new GatewayError('SEARCH_UNAVAILABLE', `related rows kept changing while ${moved.length} document(s) were written`);
      await writeDocuments(moved, round + 1);
    }
    return outcomes;
  }

  /** One selectByIds per related table for the whole batch. */
  async function loadRelated(writes: readonly DocumentWrite[]): Promise<Map<string, Map<string, Row>>> {
    const wanted = new Map<string, Set<string>>();
    for (const { entity, row } of writes) {
      if (row === null) continue;
      for (const relation of entity.search.embeds) {
        const id = foreignId(row, relation);
        if (id !== null) wanted.set(relation.table, (wanted.get(relation.table) ?? new Set()).add(id));
      }
    }
    const loaded = await Promise.all(
      [...wanted].map(async ([table, ids]) => [table, await deps.rows.selectByIds(relatedEntity(table), [...ids])] as const),
    );
    return new Map(loaded);
  }

  /** The bulk operation for one write, or null when the table's truncate floor makes it stale. */
  function plan(
    write: DocumentWrite,
    guards: ReadonlyMap<string, RowVersion>,
    related: Map<string, Map<string, Row>>,
    redo: boolean,
    nowMs: number,
  ): BulkOperation | null {
    const { entity, id, version, row, index } = write;
    // A redo overwrites this writer's own write at the same version, hence external_gte.
    const versionType = redo ? 'external_gte' : 'external';
    if (version < (guards.get(truncateGuardKey(entity.table)) ?? 0n)) {
      return redo ? { action: 'delete', index, id, version, versionType: 'external_gte' } : null;
    }
    if (row === null) return { action: 'index', index, id, version, versionType, document: tombstoneDocument(entity, id, version, nowMs) };
    const rows: Record<string, Row | null> = {};
    const embeds: Record<string, EmbedState> = {};
    for (const relation of entity.search.embeds) {
      const relatedId = foreignId(row, relation);
      rows[relation.table] = relatedId === null ? null : (related.get(relation.table)?.get(relatedId) ?? null);
      embeds[relation.table] = { id: relatedId, version: relatedId === null ? 0n : relatedGuardVersion(guards, relation.table, relatedId) };
    }
    const document = liveDocument(entity.search, { row, related: rows }, version, embeds, nowMs);
    return { action: 'index', index, id, version, versionType, document };
  }

  /** The table's floor raised, then its own documents below it deleted (the embeds lane rewrites the documents embedding its rows). */
  async function applyTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void> {
    if (!isSearchable(entity)) return;
    const [raised] = await raiseGuards(writer, guardIndex, [{ key: truncateGuardKey(entity.table), version }]);
    count(tally, [raised ?? 'stale']);
    if (raised !== 'applied') return;
    for (const index of targetsOf(entity)) {
      await refreshIndex(client, index);
      await deleteHits(index, versionBelow(version));
    }
  }

  async function deleteHits(index: string, query: Record<string, unknown>): Promise<number> {
    let deleted = 0;
    await forEachPage(client, { index, query, source: [`${SYNC_FIELD}.version`], pageSize: deps.pageSize }, async (hits) => {
      const operations = hits.flatMap((hit): BulkOperation[] => {
        const state = readSyncState(hit._source);
        return state === null || hit._id === undefined
          ? []
          : [{ action: 'delete', index, id: hit._id, version: state.version, versionType: 'external_gte' }];
      });
      deleted += (await sendBulk(writer, operations)).filter((outcome) => outcome === 'applied').length;
    });
    return deleted;
  }

  return { writeDocuments: (writes) => writeDocuments(writes), applyTruncate, deleteHits };
}

/** 'rejected' items were logged and counted by sendBulk; they count as neither applied nor stale. */
export function count(tally: Tally, outcomes: readonly ItemOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome === 'applied') tally.applied += 1;
    else if (outcome === 'stale') tally.stale += 1;
  }
}

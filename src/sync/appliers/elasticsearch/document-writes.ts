import type { RowSource } from '../../../db/row-source.js';
import { GatewayError } from '../../../errors.js';
import type { EntityRegistry } from '../../../schema/entity-registry.js';
import type { EmbeddedRelation, EntityDeclaration } from '../../../schema/entity.js';
import type { Row, RowVersion } from '../../../rows/row.js';
import type { BulkWriter } from '../../../index/bulk-writer.js';
import { forEachPage, refreshIndex, sendBulk } from '../../../index/bulk-writer.js';
import type { EmbedContext, RelatedUpdate } from './embed-refresh.js';
import type { SearchableEntity } from '../../../schema/entity.js';
import { rewriteEmbeddingDocuments } from './embed-refresh.js';
import type { BulkOperation, EmbedState, ItemOutcome } from '../../../index/search-documents.js';
import { SYNC_FIELD, liveDocument, readSyncState, tombstoneDocument, versionBelow } from '../../../index/search-documents.js';
import { declaredColumns, projectionDigest } from './embed-relevance.js';
import type { GuardEntry, GuardState } from '../../../index/sync-guards.js';
import { raiseGuards, readGuardStates, readGuards, relatedGuardKey, relatedGuardVersion, truncateGuardKey } from '../../../index/sync-guards.js';

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

export interface RelatedChange {
  readonly table: string;
  readonly id: string;
  readonly version: RowVersion;
  readonly row: Row | null;
}

export interface Tally {
  applied: number;
  stale: number;
}

export interface DocumentWriterDependencies {
  readonly writer: BulkWriter;
  readonly rows: RowSource;
  readonly registry: EntityRegistry;
  readonly guardIndex: string;
  readonly embed: EmbedContext;
  readonly now: () => number;
}

export interface DocumentWriter {
  /** One outcome per write, in order; a change below its table's truncate floor is 'stale'. */
  writeDocuments(writes: readonly DocumentWrite[]): Promise<ItemOutcome[]>;
  /**
   * writeDocuments for a batch's own documents together with its rows' effect on the documents
   * embedding them (their guards raised, those documents rewritten in every target): one guard read
   * for both, the two _bulk requests side by side, then the writes' recheck beside the rewrites.
   */
  applyChanges(writes: readonly DocumentWrite[], changes: readonly RelatedChange[], targetsOf: TargetsOf, tally: Tally): Promise<ItemOutcome[]>;
  applyTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void>;
  /** Deletes every hit at its own exact version: one rewritten meanwhile (newer) survives. */
  deleteHits(index: string, query: Record<string, unknown>): Promise<number>;
  readonly embedders: ReadonlyMap<string, readonly SearchableEntity[]>;
}

interface PlannedRaise {
  readonly table: string;
  /** The table's truncate floor as read before the raise. */
  readonly floor: RowVersion;
  readonly fresh: readonly RelatedChange[];
  /** One per fresh change, in order. */
  readonly entries: readonly GuardEntry[];
}

const MAX_RECHECK_ROUNDS = 3;

export function createDocumentWriter(deps: DocumentWriterDependencies): DocumentWriter {
  const { writer, guardIndex, now } = deps;
  const { client } = writer;
  const embedders = embeddersByTable(deps.registry);
  for (const table of embedders.keys()) relatedEntity(table);

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
    return settleDocuments(writes, before, planned, await sendBulk(writer, planned.flatMap((operation) => operation ?? [])), round);
  }

  async function planDocuments(writes: readonly DocumentWrite[], before: ReadonlyMap<string, RowVersion>, round: number): Promise<(BulkOperation | null)[]> {
    const related = await loadRelated(writes);
    return writes.map((write) => plan(write, before, related, round > 1, now()));
  }

  /** Outcomes from what the bulk answered, after the recheck: writes whose related guards moved meanwhile are redone. */
  async function settleDocuments(writes: readonly DocumentWrite[], before: ReadonlyMap<string, RowVersion>, planned: readonly (BulkOperation | null)[], sent: readonly ItemOutcome[], round: number): Promise<ItemOutcome[]> {
    let next = 0;
    const outcomes = planned.map((operation): ItemOutcome => (operation === null ? 'stale' : (sent[next++] ?? 'retry')));
    const written = writes.filter((_, position) => planned[position] !== null && outcomes[position] === 'applied');
    const after = await readGuards(client, guardIndex, written.flatMap(guardKeys));
    const moved = written.filter((write) => guardKeys(write).some((key) => (after.get(key) ?? 0n) > (before.get(key) ?? 0n)));
    if (moved.length > 0) {
      if (round >= MAX_RECHECK_ROUNDS) throw new GatewayError('SEARCH_UNAVAILABLE', `related rows kept changing while ${moved.length} document(s) were written`);
      await writeDocuments(moved, round + 1);
    }
    return outcomes;
  }

  /*
   * Sharing the guard read changes no order the protocol relies on: the writes' guards are still
   * read before their related rows are loaded and read again after their documents are
   * acknowledged, and the related guards are still acknowledged before the documents embedding them
   * are selected. The raises and the documents are written concurrently, as before (and as two
   * consumer processes are).
   */
  async function applyChanges(writes: readonly DocumentWrite[], changes: readonly RelatedChange[], targetsOf: TargetsOf, tally: Tally): Promise<ItemOutcome[]> {
    const tables = relatedByTable(changes);
    const relatedKeys = [...tables].flatMap(([table, items]) => [truncateGuardKey(table), ...items.map((item) => relatedGuardKey(table, item.id))]);
    const states = await readGuardStates(client, guardIndex, [...writes.flatMap(guardKeys), ...relatedKeys]);
    const before = new Map([...states].map(([key, state]) => [key, state.version]));
    const planned = await planDocuments(writes, before, 1);
    const raises = [...tables].map(([table, items]) => planRaise(table, items, states, tally));
    // Two _bulk requests side by side, not one: measured faster (Elasticsearch parses a request's
    // body on one thread), and the protocol needs only both answered before what follows.
    const [raisedAll, sent] = await Promise.all([raiseGuards(writer, guardIndex, raises.flatMap((raise) => raise.entries)), sendBulk(writer, planned.flatMap((operation) => operation ?? []))]);
    let next = 0;
    const rewrites = raises.map((raise) => {
      const raised = raisedAll.slice(next, (next += raise.entries.length));
      count(tally, raised);
      return rewriteEmbedders(raise, raised, states, targetsOf);
    });
    const [outcomes] = await Promise.all([settleDocuments(writes, before, planned, sent, 1), ...rewrites]);
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
    const loaded = await Promise.all([...wanted].map(async ([table, ids]) => [table, await deps.rows.selectByIds(relatedEntity(table), [...ids])] as const));
    return new Map(loaded);
  }

  /** The bulk operation for one write, or null when the table's truncate floor makes it stale. */
  function plan(write: DocumentWrite, guards: ReadonlyMap<string, RowVersion>, related: Map<string, Map<string, Row>>, redo: boolean, nowMs: number): BulkOperation | null {
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

  function relatedByTable(changes: readonly RelatedChange[]): Map<string, RelatedChange[]> {
    const byTable = new Map<string, RelatedChange[]>();
    for (const change of changes) {
      if (!embedders.has(change.table)) continue;
      const items = byTable.get(change.table);
      if (items === undefined) byTable.set(change.table, [change]);
      else items.push(change);
    }
    return byTable;
  }

  function digestsOf(table: string, row: Row | null): Record<string, string> {
    return Object.fromEntries((embedders.get(table) ?? []).flatMap((entity) => {
      const columns = relevantColumns(entity, table);
      return columns === null ? [] : [[entity.search.index, projectionDigest(row, columns)]];
    }));
  }

  /** The guard entries to raise for one related table's changes: those not older than the guard (or the table's floor). */
  function planRaise(table: string, items: readonly RelatedChange[], guards: ReadonlyMap<string, GuardState>, tally: Tally): PlannedRaise {
    const floor = guards.get(truncateGuardKey(table))?.version ?? 0n;
    const guardVersion = (id: string) => {
      const own = guards.get(relatedGuardKey(table, id))?.version ?? 0n;
      return own > floor ? own : floor;
    };
    // Equal versions go ahead: a retried batch must finish rewrites the failed attempt began.
    const fresh = items.filter((item) => item.version >= guardVersion(item.id));
    tally.stale += items.length - fresh.length;
    return { table, floor, fresh, entries: fresh.map((item) => ({ key: relatedGuardKey(table, item.id), version: item.version, digests: digestsOf(table, item.row) })) };
  }

  /** After the raise: rewrites, in every target, the documents embedding the rows whose guard moved. */
  async function rewriteEmbedders({ table, floor, fresh, entries }: PlannedRaise, raised: readonly ItemOutcome[], guards: ReadonlyMap<string, GuardState>, targetsOf: TargetsOf): Promise<void> {
    for (const entity of embedders.get(table) ?? []) {
      // Skipped: a strictly newer change whose used columns equal the last applied state's (never a retry, never across a truncate).
      const unchanged = (item: RelatedChange, position: number) => {
        const previous = guards.get(relatedGuardKey(table, item.id));
        const digest = entries[position]?.digests?.[entity.search.index];
        return digest !== undefined && previous !== undefined && previous.digests[entity.search.index] === digest && previous.version >= floor && previous.version < item.version;
      };
      const updates: RelatedUpdate[] = fresh.filter((item, position) => raised[position] === 'applied' && !unchanged(item, position)).map(({ id, version, row }) => ({ id, version, row }));
      for (const index of targetsOf(entity)) await rewriteEmbeddingDocuments(deps.embed, entity, index, table, updates);
    }
  }

  async function applyTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void> {
    if (entity.search === undefined && !embedders.has(entity.table)) return;
    const [raised] = await raiseGuards(writer, guardIndex, [{ key: truncateGuardKey(entity.table), version }]);
    count(tally, [raised ?? 'stale']);
    if (raised !== 'applied') return;
    if (entity.search !== undefined) {
      for (const index of targetsOf(entity as SearchableEntity)) {
        await refreshIndex(client, index);
        await deleteHits(index, versionBelow(version));
      }
    }
    for (const embedder of embedders.get(entity.table) ?? []) {
      for (const index of targetsOf(embedder)) await rewriteEmbeddingDocuments(deps.embed, embedder, index, entity.table, [{ id: null, version, row: null }]);
    }
  }

  async function deleteHits(index: string, query: Record<string, unknown>): Promise<number> {
    let deleted = 0;
    await forEachPage(client, { index, query, source: [`${SYNC_FIELD}.version`], pageSize: deps.embed.pageSize }, async (hits) => {
      const operations = hits.flatMap((hit): BulkOperation[] => {
        const state = readSyncState(hit._source);
        return state === null || hit._id === undefined ? [] : [{ action: 'delete', index, id: hit._id, version: state.version, versionType: 'external_gte' }];
      });
      deleted += (await sendBulk(writer, operations)).filter((outcome) => outcome === 'applied').length;
    });
    return deleted;
  }

  return { writeDocuments: (writes) => writeDocuments(writes), applyChanges, applyTruncate, deleteHits, embedders };
}

function embeddersByTable(registry: EntityRegistry): Map<string, SearchableEntity[]> {
  const found = new Map<string, SearchableEntity[]>();
  for (const entity of registry.entities) {
    if (entity.search === undefined) continue;
    for (const relation of entity.search.embeds) found.set(relation.table, [...(found.get(relation.table) ?? []), entity as SearchableEntity]);
  }
  return found;
}

function relevantColumns(entity: SearchableEntity, table: string): readonly string[] | null {
  const relation = entity.search.embeds.find((candidate) => candidate.table === table);
  return relation === undefined ? null : declaredColumns(relation);
}

function foreignId(row: Row, relation: EmbeddedRelation): string | null {
  const value = row[relation.foreignKey];
  return typeof value === 'number' || typeof value === 'string' ? String(value) : null;
}

/** 'rejected' items were logged and counted by sendBulk; they count as neither applied nor stale. */
export function count(tally: Tally, outcomes: readonly ItemOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome === 'applied') tally.applied += 1;
    else if (outcome === 'stale') tally.stale += 1;
  }
}

import type { Client } from '@elastic/elasticsearch';
import type { RowSource } from '../db/row-source.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EmbeddedRelation } from '../schema/entity.js';
import type { Row, RowVersion } from '../sync/change.js';
import type { ApplyBatch, ApplyOutcome, EntityChange, StoreApplier, TableTruncate } from '../sync/store-applier.js';
import type { BulkWriter, ItemRetryPolicy, SearchMetrics } from './bulk-writer.js';
import { defaultItemRetry, forEachPage, refreshIndex, sendBulk } from './bulk-writer.js';
import type { EmbedContext, SearchableEntity } from './embed-refresh.js';
import { rewriteEmbeddingDocuments } from './embed-refresh.js';
import { toSearchError } from './elasticsearch-client.js';
import { guardAlias, searchAlias } from './index-manager.js';
import type { BulkOperation, EmbedState, ItemOutcome } from './search-documents.js';
import { SYNC_FIELD, liveDocument, readSyncState, tombstoneDocument, tombstonesWrittenBefore, versionBelow } from './search-documents.js';
import { raiseGuards, readGuards, relatedGuardKey, relatedGuardVersion, truncateGuardKey } from './sync-guards.js';

/*
 * Keeps the search indices current from CDC batches. Every write carries the row's version as an
 * external version, so Elasticsearch itself refuses anything older than what it holds.
 *
 * Deletes are tombstones: the document is replaced by `{ gateway_sync: { deleted: true, version } }`
 * at the delete's version. A real delete keeps its version only for index.gc_deletes (60 s), after
 * which a replayed older update would bring the row back; a tombstone keeps it for as long as it
 * exists. Searches exclude tombstones with `liveDocumentsFilter`; purgeTombstones removes old ones.
 *
 * Truncates write a floor for the table into the guard index (sync-guards.ts), then delete the
 * table's documents older than it. Per-document tombstones would be redundant there: every change
 * of the table is checked against the floor before it is written, so the floor alone refuses any
 * replay from before the truncate, including rows that never had a document.
 *
 * Races between processes (during a rebalance, or a product and its category on different
 * partitions): a product document records the related versions it read from the guard index
 * *before* reading the related rows from the database; a related change raises the guard *before*
 * it refreshes and selects the documents to rewrite. After writing, the product side reads the
 * guards again: if one moved, the related change may have missed the new document, so the product
 * side rebuilds it from a fresh database read. Either side therefore sees the other's write.
 */

export interface SearchApplierDependencies {
  readonly client: Client;
  readonly rows: RowSource;
  readonly registry: EntityRegistry;
  readonly indexPrefix: string;
  readonly metrics?: SearchMetrics;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly itemRetry?: ItemRetryPolicy;
  /** Documents per page when rewriting embedding documents, truncating or purging. */
  readonly pageSize?: number;
}

export interface SearchApplier extends StoreApplier {
  readonly store: 'elasticsearch';
  /**
   * Deletes tombstones written more than `olderThanMs` ago; resolves with how many. Trade-off:
   * once a tombstone is gone, Elasticsearch remembers the delete only for index.gc_deletes, so a
   * replay older than the delete arriving after that recreates the row. Keep the retention above
   * the longest possible replay (the CDC topics' retention plus the worst consumer lag, e.g. 7
   * days); the cost is one small filtered-out document per deleted row until then.
   */
  purgeTombstones(olderThanMs: number): Promise<number>;
}

interface Tally {
  applied: number;
  stale: number;
}

const MAX_RECHECK_ROUNDS = 3;

export function createSearchApplier(deps: SearchApplierDependencies): SearchApplier {
  const now = deps.now ?? Date.now;
  const writer: BulkWriter = { client: deps.client, logger: deps.logger ?? silentLogger, metrics: deps.metrics, retry: deps.itemRetry ?? defaultItemRetry };
  const embed: EmbedContext = { writer, indexPrefix: deps.indexPrefix, now, pageSize: deps.pageSize ?? 500 };
  const guardIndex = guardAlias(deps.indexPrefix);
  const embedders = embeddersByTable(deps.registry);

  async function writeRows(items: readonly EntityChange[], tally: Tally | null, round = 1): Promise<void> {
    const searchable = items.filter((item): item is EntityChange & { entity: SearchableEntity } => item.entity.search !== undefined);
    if (searchable.length === 0) return;
    const keysOf = (item: EntityChange) => [truncateGuardKey(item.entity.table), ...embedKeys(item)];
    const before = await readGuards(deps.client, guardIndex, searchable.flatMap(keysOf));
    const related = await loadRelated(searchable);
    const planned = searchable.map((item) => ({ item, operation: planRow(item, before, related, round > 1, now()) }));
    const operations = planned.flatMap(({ operation }) => operation ?? []);
    const outcomes = await sendBulk(writer, operations);
    if (tally !== null) {
      tally.stale += planned.filter(({ operation }) => operation === null).length;
      count(tally, outcomes);
    }
    const written = planned.filter(({ operation }) => operation !== null).filter((_, position) => outcomes[position] === 'applied').map(({ item }) => item);
    const after = await readGuards(deps.client, guardIndex, written.flatMap(keysOf));
    const moved = written.filter((item) => keysOf(item).some((key) => (after.get(key) ?? 0n) > (before.get(key) ?? 0n)));
    if (moved.length === 0) return;
    if (round >= MAX_RECHECK_ROUNDS) throw new GatewayError('SEARCH_UNAVAILABLE', `related rows kept changing while ${moved.length} document(s) were written`);
    await writeRows(moved, null, round + 1);
  }

  function embedKeys({ entity, change }: EntityChange): string[] {
    const after = change.after;
    if (change.op === 'delete' || after === null || entity.search === undefined) return [];
    return entity.search.embeds.flatMap((relation) => {
      const id = foreignId(after, relation);
      return id === null ? [] : [relatedGuardKey(relation.table, id), truncateGuardKey(relation.table)];
    });
  }

  /** One selectByIds per related table for the whole batch. */
  async function loadRelated(items: readonly (EntityChange & { entity: SearchableEntity })[]): Promise<Map<string, Map<string, Row>>> {
    const wanted = new Map<string, Set<string>>();
    for (const { entity, change } of items) {
      if (change.op === 'delete' || change.after === null) continue;
      for (const relation of entity.search.embeds) {
        const id = foreignId(change.after, relation);
        if (id !== null) wanted.set(relation.table, (wanted.get(relation.table) ?? new Set()).add(id));
      }
    }
    const loaded = await Promise.all(
      [...wanted].map(async ([table, ids]) => [table, await deps.rows.selectByIds(relatedEntity(table), [...ids])] as const),
    );
    return new Map(loaded);
  }

  /** The write for one row change, or null when the table's truncate floor makes it stale. */
  function planRow(item: EntityChange & { entity: SearchableEntity }, guards: ReadonlyMap<string, RowVersion>, related: Map<string, Map<string, Row>>, redo: boolean, nowMs: number): BulkOperation | null {
    const { entity, change, id } = item;
    const index = searchAlias(deps.indexPrefix, entity.search);
    // A redo overwrites this applier's own write at the same version, hence external_gte.
    const versionType = redo ? 'external_gte' : 'external';
    if (change.version < (guards.get(truncateGuardKey(entity.table)) ?? 0n)) {
      return redo ? { action: 'delete', index, id, version: change.version, versionType: 'external_gte' } : null;
    }
    if (change.op === 'delete' || change.after === null) {
      return { action: 'index', index, id, version: change.version, versionType, document: tombstoneDocument(entity, id, change.version, nowMs) };
    }
    const rows: Record<string, Row | null> = {};
    const embeds: Record<string, EmbedState> = {};
    for (const relation of entity.search.embeds) {
      const relatedId = foreignId(change.after, relation);
      rows[relation.table] = relatedId === null ? null : (related.get(relation.table)?.get(relatedId) ?? null);
      embeds[relation.table] = { id: relatedId, version: relatedId === null ? 0n : relatedGuardVersion(guards, relation.table, relatedId) };
    }
    const document = liveDocument(entity.search, { row: change.after, related: rows }, change.version, embeds, nowMs);
    return { action: 'index', index, id, version: change.version, versionType, document };
  }

  async function applyRelatedChanges(changes: readonly EntityChange[], tally: Tally): Promise<void> {
    const byTable = new Map<string, EntityChange[]>();
    for (const item of changes) if (embedders.has(item.entity.table)) byTable.set(item.entity.table, [...(byTable.get(item.entity.table) ?? []), item]);
    for (const [table, items] of byTable) {
      const guards = await readGuards(deps.client, guardIndex, [truncateGuardKey(table), ...items.map((item) => relatedGuardKey(table, item.id))]);
      // Equal versions go ahead: a retried batch must finish rewrites the failed attempt began.
      const fresh = items.filter((item) => item.change.version >= relatedGuardVersion(guards, table, item.id));
      tally.stale += items.length - fresh.length;
      const raised = await raiseGuards(writer, guardIndex, fresh.map((item) => ({ key: relatedGuardKey(table, item.id), version: item.change.version })));
      count(tally, raised);
      const updates = fresh
        .filter((_, position) => raised[position] === 'applied')
        .map(({ id, change }) => ({ id, version: change.version, row: change.op === 'delete' ? null : change.after }));
      for (const entity of embedders.get(table) ?? []) await rewriteEmbeddingDocuments(embed, entity, table, updates);
    }
  }

  async function applyTruncate({ entity, version }: TableTruncate, tally: Tally): Promise<void> {
    if (entity.search === undefined && !embedders.has(entity.table)) return;
    const [raised] = await raiseGuards(writer, guardIndex, [{ key: truncateGuardKey(entity.table), version }]);
    count(tally, [raised ?? 'stale']);
    if (raised !== 'applied') return;
    if (entity.search !== undefined) {
      const index = searchAlias(deps.indexPrefix, entity.search);
      await refreshIndex(deps.client, index);
      await deleteHits(index, versionBelow(version));
    }
    for (const embedder of embedders.get(entity.table) ?? []) await rewriteEmbeddingDocuments(embed, embedder, entity.table, [{ id: null, version, row: null }]);
  }

  /** Deletes every hit at its own exact version: one rewritten meanwhile (newer) survives. */
  async function deleteHits(index: string, query: Record<string, unknown>): Promise<number> {
    let deleted = 0;
    await forEachPage(deps.client, { index, query, source: [`${SYNC_FIELD}.version`], pageSize: embed.pageSize }, async (hits) => {
      const operations = hits.flatMap((hit): BulkOperation[] => {
        const state = readSyncState(hit._source);
        return state === null || hit._id === undefined ? [] : [{ action: 'delete', index, id: hit._id, version: state.version, versionType: 'external_gte' }];
      });
      deleted += (await sendBulk(writer, operations)).filter((outcome) => outcome === 'applied').length;
    });
    return deleted;
  }

  function relatedEntity(table: string) {
    const entity = deps.registry.byTable(table);
    if (entity === undefined) throw new GatewayError('CONFIG_INVALID', `search embeds table ${table}, which the registry does not declare`);
    return entity;
  }

  for (const table of embedders.keys()) relatedEntity(table);

  return {
    store: 'elasticsearch',
    async apply(batch: ApplyBatch): Promise<ApplyOutcome> {
      const tally: Tally = { applied: 0, stale: 0 };
      try {
        // Truncates first: their floors then turn this batch's older row changes into no-ops.
        for (const truncate of batch.truncates) await applyTruncate(truncate, tally);
        await writeRows(batch.changes, tally);
        await applyRelatedChanges(batch.changes, tally);
      } catch (error) {
        throw toSearchError(error, 'elasticsearch applier');
      }
      return tally;
    },
    async purgeTombstones(olderThanMs: number): Promise<number> {
      const cutoff = now() - olderThanMs;
      let purged = 0;
      try {
        for (const entity of deps.registry.entities) {
          if (entity.search === undefined) continue;
          const deleted = await deleteHits(searchAlias(deps.indexPrefix, entity.search), tombstonesWrittenBefore(cutoff));
          writer.metrics?.increment('search_tombstones_purged', { index: entity.search.index }, deleted);
          purged += deleted;
        }
      } catch (error) {
        throw toSearchError(error, 'elasticsearch tombstone purge');
      }
      return purged;
    },
  };
}

function embeddersByTable(registry: EntityRegistry): Map<string, SearchableEntity[]> {
  const found = new Map<string, SearchableEntity[]>();
  for (const entity of registry.entities) {
    if (entity.search === undefined) continue;
    for (const relation of entity.search.embeds) found.set(relation.table, [...(found.get(relation.table) ?? []), entity as SearchableEntity]);
  }
  return found;
}

function foreignId(row: Row, relation: EmbeddedRelation): string | null {
  const value = row[relation.foreignKey];
  return typeof value === 'number' || typeof value === 'string' ? String(value) : null;
}

/** 'rejected' items were logged and counted by sendBulk; they count as neither applied nor stale. */
function count(tally: Tally, outcomes: readonly ItemOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome === 'applied') tally.applied += 1;
    else if (outcome === 'stale') tally.stale += 1;
  }
}

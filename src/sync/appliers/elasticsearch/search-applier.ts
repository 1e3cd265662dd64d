import type { Client } from '@elastic/elasticsearch';
import type { RowSource } from '../../../db/row-source.js';
import { GatewayError } from '../../../errors.js';
import type { Logger } from '../../../observability/logger.js';
import { silentLogger } from '../../../observability/logger.js';
import type { EntityRegistry } from '../../../schema/entity-registry.js';
import type { ApplyBatch, ApplyOutcome, EntityChange, StoreApplier } from '../../store-applier.js';
import type { BulkWriter, ItemRetryPolicy, SearchMetrics } from '../../../index/bulk-writer.js';
import { defaultItemRetry } from '../../../index/bulk-writer.js';
import type { DocumentWrite, Tally, TargetsOf } from './document-writes.js';
import { count, createDocumentWriter } from './document-writes.js';
import type { RelatedChange } from './embed-writes.js';
import { createEmbedWriter } from './embed-writes.js';
import type { SearchableEntity } from '../../../schema/entity.js';
import { isSearchable } from '../../../schema/entity.js';
import { toSearchError } from '../../../index/elasticsearch-client.js';
import { buildAliasOf, readAliases } from '../../../index/aliases.js';
import { guardAlias, searchAlias } from '../../../index/index-manager.js';
import { tombstonesWrittenBefore } from '../../../index/search-documents.js';

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
 * Reindex (docs/reindex.md): while a build alias exists, every batch is written to it as well. The
 * build aliases are read after each batch: a batch that began before a reindex created its build
 * alias is written to the new index too. So every change is either in the build index or was
 * acknowledged in the old one before the build began, where the reindex copy reads it. That read is
 * the only one a batch needs: the targets it writes to first are the aliases the latest read found
 * (any batch's), and one that appeared since is caught by its own read after. A build alias that
 * disappeared since (the swap removes it) fails the batch's writes to it; the batch is then retried
 * with a fresh read. One alias lookup per batch instead of two.
 *
 * Two lanes (issue: freshness under sustained writes). The documents lane writes each change's own
 * document: one external-versioned index per change, nothing else on the hot path. The embeds lane
 * raises the guards of rows other documents embed and rewrites those documents (embed-writes.ts); it
 * runs beside the documents lane, never ahead of or in front of it, and coalesces: many changes of one
 * hot product queued while it is busy become one rewrite. `apply` runs both in turn, for callers that
 * are not the consumer (tests, the bench's single-lane variants); the consumer gives each its own lane.
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

export interface SearchApplier {
  /** The consumer's two lanes: documents first, then embeds (see above). */
  readonly lanes: readonly [StoreApplier, StoreApplier];
  /** Both lanes in turn (documents, then embeds), for callers without lanes. */
  apply(batch: ApplyBatch): Promise<ApplyOutcome>;
  /**
   * Deletes tombstones written more than `olderThanMs` ago; resolves with how many. Trade-off:
   * once a tombstone is gone, Elasticsearch remembers the delete only for index.gc_deletes, so a
   * replay older than the delete arriving after that recreates the row. Keep the retention above
   * the longest possible replay (the CDC topics' retention plus the worst consumer lag, e.g. 7
   * days); the cost is one small filtered-out document per deleted row until then.
   */
  purgeTombstones(olderThanMs: number): Promise<number>;
}

/** Build aliases that can appear while one batch is applied before the batch gives up. */
const MAX_LATE_BUILDS = 3;
/** The embeds lane merges a backlog into large applies: one rewrite per hot row, whatever the backlog. */
const EMBEDS_MAX_BATCH_CHANGES = 20_000;
const EMBEDS_MAX_HELD_CHANGES = 50_000;

type ApplyTo = (batch: ApplyBatch, targetsOf: TargetsOf, tally: Tally | null) => Promise<void>;

export function createSearchApplier(deps: SearchApplierDependencies): SearchApplier {
  const now = deps.now ?? Date.now;
  const pageSize = deps.pageSize ?? 500;
  const writer: BulkWriter = {
    client: deps.client,
    logger: deps.logger ?? silentLogger,
    metrics: deps.metrics,
    retry: deps.itemRetry ?? defaultItemRetry,
  };
  const guardIndex = guardAlias(deps.indexPrefix);
  const documents = createDocumentWriter({ writer, rows: deps.rows, registry: deps.registry, guardIndex, pageSize, now });
  const embeds = createEmbedWriter({ writer, registry: deps.registry, guardIndex, embed: { writer, now, pageSize } });
  const searchable = deps.registry.entities.filter(isSearchable);
  const liveAlias = (entity: SearchableEntity) => searchAlias(deps.indexPrefix, entity.search);
  const buildAliases = searchable.map((entity) => buildAliasOf(liveAlias(entity)));

  /** The build aliases found by the latest lookup (shared by both lanes); null when unknown (at start, after a failed batch). */
  let knownBuilds: ReadonlySet<string> | null = null;

  async function readBuilds(): Promise<ReadonlySet<string>> {
    const found = new Set((await readAliases(deps.client, buildAliases)).keys());
    knownBuilds = found;
    return found;
  }

  /** One apply to the live aliases and every build alias, including builds that start meanwhile. */
  async function applyEverywhere(batch: ApplyBatch, applyTo: ApplyTo, what: string): Promise<ApplyOutcome> {
    const tally: Tally = { applied: 0, stale: 0 };
    try {
      let builds = knownBuilds ?? (await readBuilds());
      const building = (entity: SearchableEntity) => buildAliasOf(liveAlias(entity));
      await applyTo(batch, (entity) => [liveAlias(entity), ...(builds.has(building(entity)) ? [building(entity)] : [])], tally);
      for (let round = 1; ; round += 1) {
        const current = await readBuilds();
        const late = new Set([...current].filter((alias) => !builds.has(alias)));
        if (late.size === 0) break;
        if (round > MAX_LATE_BUILDS) throw new GatewayError('SEARCH_UNAVAILABLE', 'reindex builds kept starting while a batch was applied');
        await applyTo(batch, (entity) => (late.has(building(entity)) ? [building(entity)] : []), null);
        builds = current;
      }
    } catch (error) {
      knownBuilds = null;
      throw toSearchError(error, what);
    }
    return tally;
  }

  /**
   * The batch's own documents. Only writes to the live alias are tallied (a null tally counts
   * nothing): the outcome reports what happened to each change, not to each copy of it.
   */
  const applyDocuments: ApplyTo = async (batch, targetsOf, tally) => {
    const sink: Tally = tally ?? { applied: 0, stale: 0 };
    // Truncates first: their floors then turn this batch's older row changes into no-ops.
    for (const { entity, version } of batch.truncates) await documents.applyTruncate(entity, version, targetsOf, sink);
    const writes = batch.changes.flatMap((item) =>
      isSearchable(item.entity) ? targetsOf(item.entity).map((index) => toWrite(item, item.entity as SearchableEntity, index)) : [],
    );
    const outcomes = await documents.writeDocuments(writes);
    count(
      sink,
      outcomes.filter((_, position) => {
        const write = writes[position];
        return write !== undefined && write.index === liveAlias(write.entity);
      }),
    );
  };

  const applyEmbeds: ApplyTo = async (batch, targetsOf, tally) => {
    const sink: Tally = tally ?? { applied: 0, stale: 0 };
    for (const { entity, version } of batch.truncates) await embeds.applyRelatedTruncate(entity, version, targetsOf, sink);
    await embeds.applyRelatedChanges(batch.changes.map(relatedChange), targetsOf, sink);
  };

  const ownsDocuments = (batch: ApplyBatch) => [...batch.changes, ...batch.truncates].some(({ entity }) => isSearchable(entity));
  const feedsEmbeds = (batch: ApplyBatch) =>
    [...batch.changes, ...batch.truncates].some(({ entity }) => embeds.embeddedTables.has(entity.table));

  // A batch of tables nothing indexes (users…) needs no Elasticsearch request at all.
  const documentsLane: StoreApplier = {
    store: 'elasticsearch',
    apply: (batch) =>
      ownsDocuments(batch) ? applyEverywhere(batch, applyDocuments, 'elasticsearch applier') : Promise.resolve({ applied: 0, stale: 0 }),
  };
  const embedsLane: StoreApplier = {
    store: 'elasticsearch-embeds',
    maxBatchChanges: EMBEDS_MAX_BATCH_CHANGES,
    maxHeldChanges: EMBEDS_MAX_HELD_CHANGES,
    apply: (batch) =>
      feedsEmbeds(batch) ? applyEverywhere(batch, applyEmbeds, 'elasticsearch embeds applier') : Promise.resolve({ applied: 0, stale: 0 }),
  };

  return {
    lanes: [documentsLane, embedsLane],
    async apply(batch) {
      const own = await documentsLane.apply(batch);
      const embedded = await embedsLane.apply(batch);
      return { applied: own.applied + embedded.applied, stale: own.stale + embedded.stale };
    },
    async purgeTombstones(olderThanMs: number): Promise<number> {
      const cutoff = now() - olderThanMs;
      let purged = 0;
      try {
        for (const entity of searchable) {
          const deleted = await documents.deleteHits(liveAlias(entity), tombstonesWrittenBefore(cutoff));
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

function toWrite({ id, change }: EntityChange, entity: SearchableEntity, index: string): DocumentWrite {
  return { entity, id, version: change.version, row: change.op === 'delete' ? null : change.after, index };
}

function relatedChange({ entity, id, change }: EntityChange): RelatedChange {
  return { table: entity.table, id, version: change.version, row: change.op === 'delete' ? null : change.after };
}

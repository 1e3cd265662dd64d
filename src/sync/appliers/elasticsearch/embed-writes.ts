import type { Row, RowVersion } from '../../../rows/row.js';
import type { EntityDeclaration, SearchableEntity } from '../../../schema/entity.js';
import type { EntityRegistry } from '../../../schema/entity-registry.js';
import type { BulkWriter } from '../../../index/bulk-writer.js';
import type { ItemOutcome } from '../../../index/search-documents.js';
import type { GuardEntry, GuardState } from '../../../index/sync-guards.js';
import { raiseGuards, readGuardStates, relatedGuardKey, truncateGuardKey } from '../../../index/sync-guards.js';
import type { EmbedContext, RelatedUpdate } from './embed-refresh.js';
import { rewriteEmbeddingDocuments } from './embed-refresh.js';
import { embeddersByTable, projectionDigest, relevantColumns } from './embed-relevance.js';
import type { Tally, TargetsOf } from './document-writes.js';
import { count } from './document-writes.js';

/*
 * The embeds lane's writes: a change of a row other documents embed (a product, embedded by its order
 * lines) raises the row's guard in the guard index, then rewrites the documents embedding an older
 * version of it. This runs in a lane of its own, beside the documents lane: the product's own
 * document never waits for its order lines, and many changes of one product queued while the lane is
 * busy collapse into one rewrite (the lane merges by row). The race with a document written
 * meanwhile is covered by the guard protocol (document-writes.ts), exactly as between two consumer
 * processes: the raise is acknowledged before the embedding documents are selected.
 */

export interface RelatedChange {
  readonly table: string;
  readonly id: string;
  readonly version: RowVersion;
  readonly row: Row | null;
}

export interface EmbedWriterDependencies {
  readonly writer: BulkWriter;
  readonly registry: EntityRegistry;
  readonly guardIndex: string;
  readonly embed: EmbedContext;
}

export interface EmbedWriter {
  /** Tables some searchable entity embeds; changes of other tables are no work for this lane. */
  readonly embeddedTables: ReadonlySet<string>;
  applyRelatedChanges(changes: readonly RelatedChange[], targetsOf: TargetsOf, tally: Tally): Promise<void>;
  /** A truncate of an embedded table: its floor raised, the documents embedding any of its rows rewritten. */
  applyRelatedTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void>;
}

interface PlannedRaise {
  readonly table: string;
  /** The table's truncate floor as read before the raise. */
  readonly floor: RowVersion;
  readonly fresh: readonly RelatedChange[];
  /** One per fresh change, in order. */
  readonly entries: readonly GuardEntry[];
}

export function createEmbedWriter(deps: EmbedWriterDependencies): EmbedWriter {
  const { writer, guardIndex } = deps;
  const embedders = embeddersByTable(deps.registry);

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
    return Object.fromEntries(
      (embedders.get(table) ?? []).flatMap((entity) => {
        const columns = relevantColumns(entity, table);
        return columns === null ? [] : [[entity.search.index, projectionDigest(row, columns)]];
      }),
    );
  }

  /** The guard entries to raise for one related table's changes: those not older than the guard (or the table's floor). */
  function planRaise(table: string, items: readonly RelatedChange[], guards: ReadonlyMap<string, GuardState>, tally: Tally): PlannedRaise {
    const floor = guards.get(truncateGuardKey(table))?.version ?? 0n;
    const guardVersion = (id: string) => {
      const own = guards.get(relatedGuardKey(table, id))?.version ?? 0n;
      return own > floor ? own : floor;
    };
    // Equal versions go ahead: a retried batch must finish rewrites the failed attempt began.
    const notOlder = items.filter((item) => item.version >= guardVersion(item.id));
    tally.stale += items.length - notOlder.length;
    const fresh: RelatedChange[] = [];
    const entries: GuardEntry[] = [];
    for (const item of notOlder) {
      const digests = digestsOf(table, item.row);
      if (leavesEveryEmbeddingAsItIs(table, item, digests, guards.get(relatedGuardKey(table, item.id)), floor)) tally.applied += 1;
      else {
        fresh.push(item);
        entries.push({ key: relatedGuardKey(table, item.id), version: item.version, digests });
      }
    }
    return { table, floor, fresh, entries };
  }

  /*
   * A strictly newer change whose used columns equal, for every embedding index, those of the last
   * applied state (the guard) changes no embedded copy, so neither the guard nor any document is
   * written: a product's stock moves with every sale and would otherwise cost a guard write per
   * change. Sound because the guard then still holds the newest change that mattered: an older
   * change that mattered is below it (stale), and a replay of one that did not is skipped again.
   * A relation without declared columns, a delete, a first change and a change across a truncate
   * floor always raise.
   */
  function leavesEveryEmbeddingAsItIs(
    table: string,
    item: RelatedChange,
    digests: Readonly<Record<string, string>>,
    previous: GuardState | undefined,
    floor: RowVersion,
  ): boolean {
    if (previous === undefined || previous.version < floor || previous.version >= item.version) return false;
    const embedding = embedders.get(table) ?? [];
    return embedding.every((entity) => {
      const digest = digests[entity.search.index];
      return digest !== undefined && digest !== 'deleted' && previous.digests[entity.search.index] === digest;
    });
  }

  /** After the raise: rewrites, in every target, the documents embedding the rows whose guard moved. */
  async function rewriteEmbedders(
    raise: PlannedRaise,
    raised: readonly ItemOutcome[],
    guards: ReadonlyMap<string, GuardState>,
    targetsOf: TargetsOf,
  ): Promise<void> {
    const { table, floor, fresh, entries } = raise;
    for (const entity of embedders.get(table) ?? []) {
      // Skipped: a strictly newer change whose used columns equal the last applied state's (never a retry, never across a truncate).
      const unchanged = (item: RelatedChange, position: number) => {
        const previous = guards.get(relatedGuardKey(table, item.id));
        const digest = entries[position]?.digests?.[entity.search.index];
        return (
          digest !== undefined &&
          previous !== undefined &&
          previous.digests[entity.search.index] === digest &&
          previous.version >= floor &&
          previous.version < item.version
        );
      };
      const updates: RelatedUpdate[] = fresh
        .filter((item, position) => raised[position] === 'applied' && !unchanged(item, position))
        .map(({ id, version, row }) => ({ id, version, row }));
      for (const index of targetsOf(entity)) await rewriteEmbeddingDocuments(deps.embed, entity, index, table, updates);
    }
  }

  async function applyRelatedChanges(changes: readonly RelatedChange[], targetsOf: TargetsOf, tally: Tally): Promise<void> {
    const tables = relatedByTable(changes);
    if (tables.size === 0) return;
    const keys = [...tables].flatMap(([table, items]) => [
      truncateGuardKey(table),
      ...items.map((item) => relatedGuardKey(table, item.id)),
    ]);
    const states = await readGuardStates(writer.client, guardIndex, keys);
    const raises = [...tables].map(([table, items]) => planRaise(table, items, states, tally));
    const raisedAll = await raiseGuards(
      writer,
      guardIndex,
      raises.flatMap((raise) => raise.entries),
    );
    let next = 0;
    await Promise.all(
      raises.map((raise) => {
        const raised = raisedAll.slice(next, (next += raise.entries.length));
        count(tally, raised);
        return rewriteEmbedders(raise, raised, states, targetsOf);
      }),
    );
  }

  async function applyRelatedTruncate(entity: EntityDeclaration, version: RowVersion, targetsOf: TargetsOf, tally: Tally): Promise<void> {
    const embedding: readonly SearchableEntity[] = embedders.get(entity.table) ?? [];
    if (embedding.length === 0) return;
    // The documents lane raises the same floor for the table's own documents; whichever comes
    // second finds it raised at an equal version, which is accepted (external_gte), so both go on.
    const [raised] = await raiseGuards(writer, guardIndex, [{ key: truncateGuardKey(entity.table), version }]);
    if (entity.search === undefined) count(tally, [raised ?? 'stale']);
    if (raised !== 'applied') return;
    for (const embedder of embedding) {
      for (const index of targetsOf(embedder))
        await rewriteEmbeddingDocuments(deps.embed, embedder, index, entity.table, [{ id: null, version, row: null }]);
    }
  }

  return { embeddedTables: new Set(embedders.keys()), applyRelatedChanges, applyRelatedTruncate };
}

import type { SearchableEntity } from '../../../schema/entity.js';
import type { Client } from '@elastic/elasticsearch';
import { GatewayError } from '../../../errors.js';
import type { SearchMapping } from '../../../schema/entity.js';
import type { Row, RowVersion } from '../../../rows/row.js';
import type { BulkWriter, PageRequest } from '../../../index/bulk-writer.js';
import { forEachMatch, neverWritten, refreshIndex, sendBulk } from '../../../index/bulk-writer.js';
import { toSearchError } from '../../../index/elasticsearch-client.js';
import type { BulkOperation } from '../../../index/search-documents.js';
import { embedsOutdated, liveDocument, readSyncState } from '../../../index/search-documents.js';

/*
 * A related row changed (a category renamed): every live document embedding it is recomputed with
 * the entity's own `toDocument`, from the inputs stored in the document (its row at the document's
 * version, the other related rows) plus the new related row. Generic over `embeds`, exact for the
 * document's version, and no database read: re-reading the embedding row instead would pair a row
 * newer than the document's version with that older version.
 *
 * Why not _update_by_query with a painless script: it needs the reindex and lang-painless modules
 * (absent from stripped builds), and it writes with internal versioning, bumping each document's
 * _version by one, which would then reject a genuine CDC change at exactly that version. Here each
 * rewrite is an `external_gte` index at the document's own version: it leaves the version as it is,
 * and loses (409) against any newer version written meanwhile; such documents are re-read in real
 * time and recomputed again, a few rounds at most.
 *
 * Only documents whose recorded embed version is older than the change are selected (in
 * Elasticsearch), so a replayed older change touches nothing and a retried batch redoes only what is
 * left. Work is bounded per step: related ids in chunks, hits in pages, one _bulk per page. Most
 * related changes match no or few documents (a product no order line embeds yet): one refresh and
 * one _msearch over all the chunks then settle them, without a point-in-time snapshot.
 */

export interface RelatedUpdate {
  /** The related row's id, or null for "every row of the table" (a truncate of the related table). */
  readonly id: string | null;
  readonly version: RowVersion;
  /** The related row after the change; null when deleted. */
  readonly row: Row | null;
}

export interface EmbedContext {
  readonly writer: BulkWriter;
  readonly now: () => number;
  readonly pageSize: number;
}

const IDS_PER_QUERY = 100;
const CONFLICT_ROUNDS = 4;

/** Rewrites in `alias` (the live alias, or a reindex's build alias); resolves with the number of documents rewritten. */
export async function rewriteEmbeddingDocuments(
  context: EmbedContext,
  entity: SearchableEntity,
  alias: string,
  table: string,
  updates: readonly RelatedUpdate[],
): Promise<number> {
  if (updates.length === 0) return 0;
  const { client } = context.writer;
  // An index no write ever reached holds no document to rewrite: skip the refresh and the search
  // (for C1's product changes, the order-items index of a shop without orders). Sound under the
  // race protocol (document-writes.ts) because the guards were raised before this check: a
  // document write the check did not see got its sequence number after the check began, so it was
  // acknowledged after the raise, and its writer's guard read after the write sees the raised
  // guard and rebuilds the document from a fresh database read. Exactly the case of a write that
  // lands after the refresh below, which the protocol already covers.
  if (await neverWritten(client, alias)) return 0;
  // Searches see refreshed data only: without this, a document written a moment ago (with an older
  // copy of the related row) would be missed.
  await refreshIndex(client, alias);
  let rewritten = 0;
  const chunks: { request: PageRequest; pick: (embeddedId: string) => RelatedUpdate | undefined }[] = [];
  for (let start = 0; start < updates.length; start += IDS_PER_QUERY) {
    const chunk = updates.slice(start, start + IDS_PER_QUERY);
    const everyRow = chunk.find((update) => update.id === null);
    const byId = new Map(chunk.map((update) => [update.id, update]));
    // The whole _source: the stored inputs leave the columns the document holds unchanged to it.
    const request = { index: alias, query: embedsOutdated(table, chunk), source: ['*'], pageSize: context.pageSize };
    chunks.push({ request, pick: (embeddedId) => everyRow ?? byId.get(embeddedId) });
  }
  await forEachMatch(
    client,
    chunks.map(({ request }) => request),
    async (position, hits) => {
      const found = hits.map((hit) => ({ id: hit._id ?? '', source: hit._source }));
      const pick = chunks[position]?.pick;
      if (pick !== undefined) rewritten += await rewriteUntilSettled(context, entity, alias, table, pick, found);
    },
  );
  context.writer.metrics?.increment('search_embedding_rewrites', { index: entity.search.index, embed: table }, rewritten);
  return rewritten;
}

async function rewriteUntilSettled(
  context: EmbedContext,
  entity: SearchableEntity,
  alias: string,
  table: string,
  pick: (embeddedId: string) => RelatedUpdate | undefined,
  found: readonly { readonly id: string; readonly source: unknown }[],
): Promise<number> {
  let rewritten = 0;
  let candidates = found;
  for (let round = 1; candidates.length > 0; round += 1) {
    const operations = candidates.flatMap(
      ({ id, source }) => rewriteOperation(entity.search, alias, table, pick, id, source, context.now()) ?? [],
    );
    if (operations.length === 0) break;
    const outcomes = await sendBulk(context.writer, operations);
    rewritten += outcomes.filter((outcome) => outcome === 'applied').length;
    const conflicted = operations.filter((_, position) => outcomes[position] === 'stale').map((operation) => operation.id);
    if (conflicted.length === 0) break;
    if (round >= CONFLICT_ROUNDS) {
      throw new GatewayError(
        'SEARCH_UNAVAILABLE',
        `embedding documents of ${alias} kept changing during ${CONFLICT_ROUNDS} rewrite rounds`,
        {
          details: { ids: conflicted.slice(0, 10) },
        },
      );
    }
    candidates = await readRealtime(context.writer.client, alias, conflicted);
  }
  return rewritten;
}

function rewriteOperation(
  mapping: SearchMapping,
  alias: string,
  table: string,
  pick: (embeddedId: string) => RelatedUpdate | undefined,
  id: string,
  source: unknown,
  nowMs: number,
): BulkOperation | null {
  const state = readSyncState(source);
  if (state === null || state.deleted || state.inputs === null) return null;
  const embedded = state.embeds[table];
  if (embedded === undefined || embedded.id === null) return null;
  const update = pick(embedded.id);
  if (update === undefined || embedded.version >= update.version) return null;
  const inputs = { row: state.inputs.row, related: { ...state.inputs.related, [table]: update.row } };
  const embeds = { ...state.embeds, [table]: { id: embedded.id, version: update.version } };
  const document = liveDocument(mapping, inputs, state.version, embeds, nowMs);
  return { action: 'index', index: alias, id, version: state.version, versionType: 'external_gte', document };
}

async function readRealtime(client: Client, alias: string, ids: readonly string[]): Promise<{ id: string; source: unknown }[]> {
  try {
    const { docs } = await client.mget({ index: alias, ids: [...ids], realtime: true });
    return docs.flatMap((doc) => ('found' in doc && doc.found ? [{ id: doc._id, source: doc._source }] : []));
  } catch (error) {
    throw toSearchError(error, `elasticsearch read of ${alias}`);
  }
}

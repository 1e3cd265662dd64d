import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { backoffDelay } from '../retry-backoff.js';
import { toSearchError } from './elasticsearch-client.js';
import type { BulkOperation, ItemOutcome } from './search-documents.js';
import { bulkNdjson, classifyBulkItem } from './search-documents.js';

export type SearchCounterName =
  'search_documents_rejected' | 'search_item_retries' | 'search_embedding_rewrites' | 'search_tombstones_purged';

/** The counters the search applier reports; the gateway's Metrics satisfies it once it declares these names. */
export interface SearchMetrics {
  increment(name: SearchCounterName, labels: Readonly<Record<string, string>>, by?: number): void;
}

export interface ItemRetryPolicy {
  /** Attempts per item, the first included, before the whole apply rejects with SEARCH_UNAVAILABLE. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface BulkWriter {
  readonly client: Client;
  readonly logger: Logger;
  readonly metrics: SearchMetrics | undefined;
  readonly retry: ItemRetryPolicy;
}

export const defaultItemRetry: ItemRetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 2_000 };

interface BulkItemResult {
  readonly _id?: string;
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

/**
 * Sends the operations as one _bulk (more when items must be retried) and resolves with one final
 * outcome per operation, never 'retry'. `require_alias` stops a write to a missing alias from
 * auto-creating a concrete index with guessed mappings.
 *
 * A 400 for one document (mapping conflict, malformed value) is logged, counted and reported as
 * 'rejected' instead of failing the batch: the same document would be rejected on every retry, so
 * failing would stall the partition for good while every other row goes stale. The row's document
 * stays at its previous version until its next change or a reindex repairs it.
 */
export async function sendBulk(writer: BulkWriter, operations: readonly BulkOperation[], refresh: boolean = false): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = operations.map(() => 'retry');
  let pending = operations.map((_, position) => position);
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const items = await postBulk(
      writer.client,
      pending.map((position) => operations[position] as BulkOperation),
      refresh,
    );
    const again: number[] = [];
    let lastError = '';
    pending.forEach((position, itemIndex) => {
      const item = items[itemIndex];
      const outcome = item === undefined ? 'retry' : classifyBulkItem(item.status, item.error !== undefined);
      outcomes[position] = outcome;
      if (outcome === 'retry') {
        again.push(position);
        lastError = `${item?.status ?? 'missing item'} ${item?.error?.type ?? ''} ${item?.error?.reason ?? ''}`.trim();
      } else if (outcome === 'rejected') {
        reportRejected(writer, operations[position] as BulkOperation, item);
      }
    });
    if (again.length === 0) break;
    if (attempt >= writer.retry.attempts) {
      throw new GatewayError(
        'SEARCH_UNAVAILABLE',
        `elasticsearch bulk: ${again.length} item(s) still failing after ${attempt} attempts (${lastError})`,
        {
          details: { failed: again.length, attempts: attempt },
        },
      );
    }
    writer.metrics?.increment('search_item_retries', {}, again.length);
    await sleep(backoffDelay(attempt, writer.retry.initialDelayMs, writer.retry.maxDelayMs));
    pending = again;
  }
  return outcomes;
}

async function postBulk(client: Client, operations: readonly BulkOperation[], refresh: boolean): Promise<BulkItemResult[]> {
  let body: { items?: Record<string, BulkItemResult>[] };
  try {
    // The NDJSON string goes to the transport untouched (the client would re-serialize objects).
    body = await client.transport.request<{ items?: Record<string, BulkItemResult>[] }>({
      method: 'POST',
      path: '/_bulk',
      querystring: {
        require_alias: 'true',
        refresh: refresh ? 'true' : 'false',
        filter_path: 'items.*._id,items.*.status,items.*.error.type,items.*.error.reason',
      },
      // As bytes: given a string, the transport would scan all of it once more (Buffer.byteLength)
      // for the content-length before encoding it again to send it.
      bulkBody: Buffer.from(bulkNdjson(operations)),
    });
  } catch (error) {
    throw toSearchError(error, 'elasticsearch bulk');
  }
  return (body.items ?? []).map((item) => Object.values(item)[0] ?? { status: 0 });
}

function reportRejected(writer: BulkWriter, operation: BulkOperation, item: BulkItemResult | undefined): void {
  writer.metrics?.increment('search_documents_rejected', { index: operation.index });
  writer.logger.error(
    {
      index: operation.index,
      id: operation.id,
      version: operation.version.toString(),
      status: item?.status,
      type: item?.error?.type,
      reason: item?.error?.reason,
    },
    'elasticsearch rejected a document; it is skipped so the stream keeps moving',
  );
}

export interface PageRequest {
  readonly index: string;
  readonly query: Record<string, unknown>;
  readonly source: readonly string[];
  readonly pageSize: number;
}

/**
 * Visits every hit of the query, a page at a time, over a point-in-time snapshot (sorted by
 * _shard_doc, the cheapest stable order). The snapshot keeps the walk stable while the visitor
 * rewrites or deletes what it was handed. It needs only core APIs: no reindex module or scripting.
 */
export async function forEachPage(
  client: Client,
  request: PageRequest,
  visit: (hits: estypes.SearchHit<unknown>[]) => Promise<void>,
): Promise<void> {
  const keepAlive = '2m';
  let pitId: string;
  try {
    pitId = (await client.openPointInTime({ index: request.index, keep_alive: keepAlive })).id;
  } catch (error) {
    throw toSearchError(error, `elasticsearch open point in time on ${request.index}`);
  }
  try {
    let searchAfter: estypes.SortResults | undefined;
    for (;;) {
      let page: estypes.SearchResponse<unknown>;
      try {
        page = await client.search({
          pit: { id: pitId, keep_alive: keepAlive },
          size: request.pageSize,
          sort: ['_shard_doc'],
          query: request.query,
          _source: [...request.source],
          track_total_hits: false,
          ...(searchAfter === undefined ? {} : { search_after: searchAfter }),
        });
      } catch (error) {
        throw toSearchError(error, `elasticsearch search of ${request.index}`);
      }
      pitId = page.pit_id ?? pitId;
      const hits = page.hits.hits;
      if (hits.length > 0) await visit(hits);
      if (hits.length < request.pageSize) return;
      searchAfter = hits[hits.length - 1]?.sort;
    }
  } finally {
    // A leaked PIT expires by itself after keep_alive; failing to close it is not worth an error.
    await client.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}

/**
 * forEachPage for several queries that usually match little: one _msearch answers every query that
 * fits one page, with no point-in-time snapshot to open and close. A query whose first page is full
 * has that page discarded unvisited and is walked over a snapshot, so no hit is visited twice.
 * Queries are visited in order, one after the other; `visit` is told which by its position.
 */
export async function forEachMatch(
  client: Client,
  requests: readonly PageRequest[],
  visit: (position: number, hits: estypes.SearchHit<unknown>[]) => Promise<void>,
): Promise<void> {
  if (requests.length === 0) return;
  let responses: estypes.MsearchResponseItem<unknown>[];
  try {
    responses = (
      await client.msearch({
        searches: requests.flatMap((request) => [
          { index: request.index },
          { size: request.pageSize, query: request.query, _source: [...request.source], track_total_hits: false },
        ]),
      })
    ).responses;
  } catch (error) {
    throw toSearchError(error, `elasticsearch multi-search of ${requests[0]?.index ?? ''}`);
  }
  for (const [position, request] of requests.entries()) {
    const response = responses[position];
    if (response === undefined || 'error' in response) {
      throw new GatewayError(
        'SEARCH_UNAVAILABLE',
        `elasticsearch search of ${request.index}: ${response === undefined ? 'no response' : (response.error.reason ?? response.error.type)}`,
      );
    }
    const hits = response.hits.hits;
    if (hits.length >= request.pageSize) await forEachPage(client, request, (page) => visit(position, page));
    else if (hits.length > 0) await visit(position, hits);
  }
}

/**
 * True only when no write has ever reached the index behind `alias`: every primary shard is started
 * and its highest sequence number is -1. A sequence number is assigned to each write (index or
 * delete) as the primary applies it, before it is acknowledged and long before a refresh makes it
 * searchable, so unlike a search or a count this also sees documents written a moment ago.
 * Anything else (a primary not started, no shard listed, an unexpected answer) counts as "maybe
 * written": the answer errs only towards doing more work.
 */
export async function neverWritten(client: Client, alias: string): Promise<boolean> {
  let shards: readonly ShardRow[];
  try {
    shards = await client.cat.shards({ index: alias, format: 'json', h: ['prirep', 'state', 'seq_no.max'] });
  } catch (error) {
    throw toSearchError(error, `elasticsearch shard list of ${alias}`);
  }
  return shardsNeverWritten(shards);
}

/** The columns of a `_cat/shards` row neverWritten reads (JSON format: every value a string or null). */
export interface ShardRow {
  readonly prirep?: string | null;
  readonly state?: string | null;
  readonly 'seq_no.max'?: string | null;
}

/** The decision of neverWritten on `_cat/shards` rows. */
export function shardsNeverWritten(shards: readonly ShardRow[]): boolean {
  const primaries = shards.filter((shard) => shard.prirep === 'p');
  return primaries.length > 0 && primaries.every((shard) => shard.state === 'STARTED' && shard['seq_no.max'] === '-1');
}

/** Makes every acknowledged write visible to search (point-in-time snapshots see only refreshed data). */
export async function refreshIndex(client: Client, index: string): Promise<void> {
  try {
    await client.indices.refresh({ index });
  } catch (error) {
    throw toSearchError(error, `elasticsearch refresh of ${index}`);
  }
}

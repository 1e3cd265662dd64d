import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { backoffDelay } from '../retry-backoff.js';
import type { RowVersion } from '../rows/row.js';
import { refreshIndex } from '../index/bulk-writer.js';
import type { DocumentWrite, DocumentWriter } from '../sync/appliers/elasticsearch/document-writes.js';
import type { SearchableEntity } from '../schema/entity.js';
import { searchKeyFieldOf } from '../schema/entity.js';
import { toSearchError } from '../index/elasticsearch-client.js';
import type { ReindexSource } from './source.js';
import { SYNC_FIELD, readSyncState } from '../index/search-documents.js';
import { readGuards, truncateGuardKey } from '../index/sync-guards.js';

/*
 * The copy phase of a reindex (docs/reindex.md). Rows read from MySQL carry no version, so each is
 * written to the build index at a version that is certainly not newer than the row it read:
 *
 *   the version of the row's document in the old index, as of a point-in-time snapshot opened
 *   after the build alias existed (so every change missing from that snapshot was also written to
 *   the build index by the CDC applier), or the table's truncate floor if higher, or 0.
 *
 * That version belongs to a change that was already committed when the page was read, so the copy
 * never rejects a newer change, and any CDC write for the row newer than it wins over the copy.
 * Documents of the old index that the page no longer has (deleted rows, live or tombstoned there)
 * are written to the build index as tombstones at their old version, so a late replay of an older
 * change cannot bring them back after the swap.
 */

export interface CopyContext {
  readonly client: Client;
  readonly documents: DocumentWriter;
  readonly source: ReindexSource;
  readonly guardIndex: string;
  readonly entity: SearchableEntity;
  /** Concrete index the live alias points at (read through a snapshot). */
  readonly sourceIndex: string;
  readonly buildAlias: string;
  readonly chunkSize: number;
  /** Called after each page is written: persists progress (and throws when the lease was lost). */
  checkpoint(progress: { readonly lastKey: string | null; readonly rows: number; readonly done: boolean }): Promise<void>;
}

export interface CopyTally {
  /** Rows and tombstones written to the build index. */
  written: number;
  /** Writes the build index refused because a CDC write had already put a newer version there. */
  superseded: number;
  /** Documents Elasticsearch rejected (logged by the bulk writer); the count check will show them. */
  rejected: number;
}

const PIT_KEEP_ALIVE = '10m';
const SNAPSHOT_PAGE = 1000;

export async function copyRows(context: CopyContext, startAfter: string | null): Promise<CopyTally> {
  const { client, entity } = context;
  const tally: CopyTally = { written: 0, superseded: 0, rejected: 0 };
  // Refresh first: the snapshot must see every write the old index acknowledged before the build alias existed.
  await refreshIndex(client, context.sourceIndex);
  let pitId = await openPit(client, context.sourceIndex);
  try {
    let last = startAfter;
    for (;;) {
      const page = await withTransientRetries(() => copyPage(context, pitId, last), `copying ${entity.table} after ${last ?? 'the start'}`);
      pitId = page.pitId;
      tally.written += page.tally.written;
      tally.superseded += page.tally.superseded;
      tally.rejected += page.tally.rejected;
      last = page.last;
      await context.checkpoint({ lastKey: last, rows: page.rows, done: page.done });
      if (page.done) return tally;
    }
  } finally {
    // A leaked snapshot expires by itself after its keep-alive.
    await client.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}

interface CopiedPage {
  readonly pitId: string;
  readonly tally: CopyTally;
  readonly last: string | null;
  readonly rows: number;
  readonly done: boolean;
}

/**
 * One page: rows after `after` from MySQL, their versions from the snapshot, one bulk to the build
 * index. Writing a page twice is harmless (same documents at the same versions), which is what lets
 * a page that failed half-way be retried as a whole.
 */
async function copyPage(context: CopyContext, pitId: string, after: string | null): Promise<CopiedPage> {
  const { client, entity } = context;
  const tally: CopyTally = { written: 0, superseded: 0, rejected: 0 };
  const floorKey = truncateGuardKey(entity.table);
  const floor = (await readGuards(client, context.guardIndex, [floorKey])).get(floorKey) ?? 0n;
  const page = await context.source.pageAfter(entity, after, context.chunkSize);
  const done = page.rows.length < context.chunkSize;
  const upper = done ? null : (page.ids[page.ids.length - 1] ?? null);
  const snapshot = await snapshotVersions(client, pitId, searchKeyFieldOf(entity), after, upper);
  const writes: DocumentWrite[] = page.rows.map((row, position) => {
    const id = page.ids[position] as string;
    const known = snapshot.versions.get(id) ?? 0n;
    snapshot.versions.delete(id);
    return { entity, id, row, version: known > floor ? known : floor, index: context.buildAlias };
  });
  for (const [id, version] of snapshot.versions) writes.push({ entity, id, row: null, version, index: context.buildAlias });
  for (const outcome of await context.documents.writeDocuments(writes)) {
    if (outcome === 'applied') tally.written += 1;
    else if (outcome === 'stale') tally.superseded += 1;
    else tally.rejected += 1;
  }
  const last = upper ?? page.ids[page.ids.length - 1] ?? after;
  return { pitId: snapshot.pitId, tally, last, rows: page.rows.length, done };
}

const TRANSIENT_ATTEMPTS = 6;

/**
 * A busy node times a large bulk out now and then; failing the whole reindex for that would make a
 * first-start backfill fail the start. Only SEARCH_UNAVAILABLE is retried: anything else is a bug or
 * a lost lease, which must stop the run.
 */
async function withTransientRetries<T>(attempt: () => Promise<T>, what: string): Promise<T> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await attempt();
    } catch (error) {
      const transient = error instanceof GatewayError && error.code === 'SEARCH_UNAVAILABLE';
      if (!transient || failures >= TRANSIENT_ATTEMPTS) {
        throw transient
          ? new GatewayError('SEARCH_UNAVAILABLE', `${what}: still failing after ${failures} attempts`, { cause: error })
          : error;
      }
      await sleep(backoffDelay(failures, 500, 8_000));
    }
  }
}

async function openPit(client: Client, index: string): Promise<string> {
  try {
    return (await client.openPointInTime({ index, keep_alive: PIT_KEEP_ALIVE })).id;
  } catch (error) {
    throw toSearchError(error, `elasticsearch open point in time on ${index}`);
  }
}

/** Versions of the snapshot's documents (live and tombstones) with a primary key in (after, upTo]. */
async function snapshotVersions(
  client: Client,
  pitId: string,
  primaryKey: string,
  after: string | null,
  upTo: string | null,
): Promise<{ pitId: string; versions: Map<string, RowVersion> }> {
  const versions = new Map<string, RowVersion>();
  const range: Record<string, string> = {};
  if (after !== null) range.gt = after;
  if (upTo !== null) range.lte = upTo;
  let searchAfter: estypes.SortResults | undefined;
  let current = pitId;
  for (;;) {
    let page: estypes.SearchResponse<unknown>;
    try {
      page = await client.search({
        pit: { id: current, keep_alive: PIT_KEEP_ALIVE },
        size: SNAPSHOT_PAGE,
        sort: ['_shard_doc'],
        query: Object.keys(range).length === 0 ? { exists: { field: primaryKey } } : { range: { [primaryKey]: range } },
        _source: [`${SYNC_FIELD}.version`, `${SYNC_FIELD}.deleted`],
        track_total_hits: false,
        ...(searchAfter === undefined ? {} : { search_after: searchAfter }),
      });
    } catch (error) {
      throw toSearchError(error, 'elasticsearch snapshot read for a reindex');
    }
    current = page.pit_id ?? current;
    for (const hit of page.hits.hits) {
      const state = readSyncState(hit._source);
      if (state !== null && hit._id !== undefined) versions.set(hit._id, state.version);
    }
    if (page.hits.hits.length < SNAPSHOT_PAGE) return { pitId: current, versions };
    searchAfter = page.hits.hits[page.hits.hits.length - 1]?.sort;
  }
}

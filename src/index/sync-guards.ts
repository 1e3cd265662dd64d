import type { Client } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import type { RowVersion } from '../rows/row.js';
import { formatVersion, parseVersion } from '../rows/row-version.js';
import type { BulkWriter } from './bulk-writer.js';
import { sendBulk } from './bulk-writer.js';
import { toSearchError } from './elasticsearch-client.js';
import type { ItemOutcome } from './search-documents.js';

/*
 * The guard index: one tiny document per related row some search mapping embeds (the newest
 * version of it applied) and per truncated table (the truncate's version, a floor below which no
 * change of the table may be written again). Each is itself written with external versioning, so
 * the guard only ever moves forward, whichever process writes it.
 *
 * Why not only a version inside each embedding document? A document built from a related row read
 * from the database cannot know that row's CDC version; the guard supplies it, and lets an old
 * related change be recognised as stale before any document is touched.
 */

export const relatedGuardKey = (table: string, id: string): string => `${table}:${id}`;
export const truncateGuardKey = (table: string): string => `${table}#truncate`;

export interface GuardEntry {
  readonly key: string;
  readonly version: RowVersion;
  /** Per embedding index, a digest of the related row's columns it uses (embed-relevance.ts). */
  readonly digests?: Readonly<Record<string, string>>;
}

export interface GuardState {
  readonly version: RowVersion;
  readonly digests: Readonly<Record<string, string>>;
}

/** Current guard versions (absent keys are simply missing from the map). Realtime: sees unrefreshed writes. */
export async function readGuards(client: Client, index: string, keys: Iterable<string>): Promise<Map<string, RowVersion>> {
  const states = await readGuardStates(client, index, keys);
  return new Map([...states].map(([key, state]) => [key, state.version]));
}

/** Versions with the digests stored beside them. */
export async function readGuardStates(client: Client, index: string, keys: Iterable<string>): Promise<Map<string, GuardState>> {
  const ids = [...new Set(keys)];
  const found = new Map<string, GuardState>();
  if (ids.length === 0) return found;
  let docs: readonly unknown[];
  try {
    // filter_path: a batch reads a guard per changed row; the metadata of each is not worth shipping and parsing.
    docs =
      (
        await client.mget<{ version?: unknown; digests?: unknown }>({
          index,
          ids,
          _source: ['version', 'digests'],
          realtime: true,
          filter_path: ['docs._id', 'docs.found', 'docs._source', 'docs.error'],
        })
      ).docs ?? [];
  } catch (error) {
    throw toSearchError(error, `elasticsearch read of ${index}`);
  }
  for (const doc of docs) {
    if (typeof doc !== 'object' || doc === null) continue;
    const {
      _id: id,
      error,
      found: exists,
      _source: source,
    } = doc as { _id?: string; error?: { reason?: string }; found?: boolean; _source?: { version?: unknown; digests?: unknown } };
    if (error !== undefined) throw new GatewayError('SEARCH_UNAVAILABLE', `elasticsearch read of ${index}: ${error.reason ?? 'failed'}`);
    if (exists !== true || id === undefined || typeof source?.version !== 'string') continue;
    const digests = typeof source.digests === 'object' && source.digests !== null ? (source.digests as Record<string, string>) : {};
    found.set(id, { version: parseVersion(source.version), digests });
  }
  return found;
}

/**
 * Moves guards forward. `external_gte`: writing the version already stored succeeds, so a retried
 * batch proceeds with the work the first attempt may not have finished; 'stale' means a newer
 * version is already recorded.
 */
export async function raiseGuards(writer: BulkWriter, index: string, entries: readonly GuardEntry[]): Promise<ItemOutcome[]> {
  return sendBulk(
    writer,
    entries.map((entry) => ({
      action: 'index' as const,
      index,
      id: entry.key,
      version: entry.version,
      versionType: 'external_gte' as const,
      document: { version: formatVersion(entry.version), ...(entry.digests === undefined ? {} : { digests: entry.digests }) },
    })),
  );
}

/** The version an embedding document may record for a related row: the newer of its own guard and its table's truncate. */
export function relatedGuardVersion(guards: ReadonlyMap<string, RowVersion>, table: string, id: string): RowVersion {
  const own = guards.get(relatedGuardKey(table, id)) ?? 0n;
  const floor = guards.get(truncateGuardKey(table)) ?? 0n;
  return own > floor ? own : floor;
}

export const guardIndexMapping: Record<string, unknown> = {
  dynamic: false,
  properties: { version: { type: 'keyword', index: false } },
};

import type { Client } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { toSearchError } from './elasticsearch-client.js';

/*
 * Aliases are the only names anything writes to or searches: the live alias `<prefix><index>`
 * (searches, CDC writes) and, while a reindex builds a new index, the build alias
 * `<prefix><index>.reindex` on that index. The build alias is the reindex's marker: every CDC batch
 * looks it up before and after it writes (search-applier.ts) and also writes to it while it exists.
 * Using an alias rather than a concrete index name matters: bulk writes use `require_alias`, so a
 * write racing with the build index's deletion fails (and is retried without the target) instead of
 * auto-creating an index with guessed mappings.
 */

export const buildAliasOf = (alias: string): string => `${alias}.reindex`;

type AliasListing = Record<string, { aliases?: Record<string, unknown> }>;

/**
 * Which of `aliases` exist, with their concrete indices. One cluster-state read; Elasticsearch
 * answers 404 with the found part of the listing when some names are missing.
 */
export async function readAliases(client: Client, aliases: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (aliases.length === 0) return found;
  let listing: unknown;
  try {
    listing = await client.indices.getAlias({ name: aliases.join(',') }, { ignore: [404] });
  } catch (error) {
    throw toSearchError(error, `elasticsearch alias lookup ${aliases.join(',')}`);
  }
  const wanted = new Set(aliases);
  for (const [index, entry] of Object.entries((listing ?? {}) as AliasListing)) {
    if (typeof entry !== 'object' || entry === null || entry.aliases === undefined) continue;
    for (const alias of Object.keys(entry.aliases)) if (wanted.has(alias)) found.set(alias, [...(found.get(alias) ?? []), index]);
  }
  return found;
}

/** The one concrete index behind a live alias. */
export async function indexBehind(client: Client, alias: string): Promise<string> {
  const indices = (await readAliases(client, [alias])).get(alias) ?? [];
  if (indices.length !== 1) {
    throw new GatewayError(
      'SEARCH_UNAVAILABLE',
      `search alias ${alias} points at ${indices.length === 0 ? 'no index' : indices.join(', ')}; expected exactly one`,
    );
  }
  return indices[0] as string;
}

export async function indexExists(client: Client, index: string): Promise<boolean> {
  try {
    return await client.indices.exists({ index });
  } catch (error) {
    throw toSearchError(error, `elasticsearch index lookup ${index}`);
  }
}

/** Deletes indices, ignoring those already gone. */
export async function deleteIndices(client: Client, indices: readonly string[]): Promise<void> {
  if (indices.length === 0) return;
  try {
    await client.indices.delete({ index: [...indices], ignore_unavailable: true });
  } catch (error) {
    throw toSearchError(error, `elasticsearch delete ${indices.join(',')}`);
  }
}

export async function updateAliases(client: Client, actions: Record<string, unknown>[], what: string): Promise<void> {
  try {
    await client.indices.updateAliases({ actions });
  } catch (error) {
    throw toSearchError(error, what);
  }
}

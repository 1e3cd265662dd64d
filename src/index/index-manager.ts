import { createHash } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { SearchMapping } from '../schema/entity.js';
import { toSearchError } from './elasticsearch-client.js';
import { SYNC_FIELD, syncFieldMapping } from './search-documents.js';
import { guardIndexMapping } from './sync-guards.js';

/**
 * Version of what this module generates (settings, analyzer, internal fields). A reindex command
 * bumps it to build `<alias>-v<N+1>-<timestamp>` next to the current index, fills it and swaps
 * the alias; physical names never repeat, so two builds cannot collide.
 */
export const SEARCH_MAPPING_VERSION = 1;

/** The guard index's alias, without prefix (see sync-guards.ts). */
export const GUARD_INDEX = 'sync-guards';

export interface IndexLayout {
  readonly shards: number;
  readonly replicas: number;
  /** Extra index settings merged last, e.g. `{ 'index.gc_deletes': '0s' }` in tests. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface EnsureIndicesDependencies {
  readonly client: Client;
  readonly registry: EntityRegistry;
  readonly indexPrefix: string;
  readonly logger: Logger;
  readonly layout?: Partial<IndexLayout>;
  readonly now?: () => number;
}

export type AnalysisLevel = 'cjk' | 'core';

export const searchAlias = (indexPrefix: string, mapping: SearchMapping): string => `${indexPrefix}${mapping.index}`;
export const guardAlias = (indexPrefix: string): string => `${indexPrefix}${GUARD_INDEX}`;

/** `<alias>-v<version>-<UTC yyyyMMddHHmmssSSS>`: digits only, so always a legal lowercase index name. */
export function physicalIndexName(alias: string, version: number, atMs: number): string {
  const stamp = new Date(atMs).toISOString().replace(/\D/g, '');
  return `${alias}-v${version}-${stamp}`;
}

/**
 * The `multilingual` analyzer. With the analysis-common module (part of every default
 * distribution): full-width forms folded to ASCII (cjk_width), lowercase, accents folded, and
 * overlapping bigrams for Han, Hiragana, Katakana and Hangul runs (Latin words stay whole). Without
 * it (stripped builds such as the integration-test zip ship only core analysis), the standard
 * tokenizer still splits CJK into single characters, which finds matches with lower precision.
 */
export function multilingualAnalyzer(level: AnalysisLevel): Record<string, unknown> {
  const filter = level === 'cjk' ? ['cjk_width', 'lowercase', 'asciifolding', 'cjk_bigram'] : ['lowercase'];
  return { type: 'custom', tokenizer: 'standard', filter };
}

/**
 * Identifies what an entity's index is built from (module version, analyzer, declared and internal
 * field mappings), so `npm run reindex -- --if-changed` can tell which indices are outdated. A
 * change to `toDocument` alone leaves it unchanged: such a change needs an explicit reindex.
 */
export function mappingFingerprint(mapping: SearchMapping, level: AnalysisLevel): string {
  const inputs = {
    version: SEARCH_MAPPING_VERSION,
    analyzer: multilingualAnalyzer(level),
    properties: mapping.properties,
    sync: syncFieldMapping(mapping),
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

export function entityIndexBody(mapping: SearchMapping, level: AnalysisLevel, layout: IndexLayout): Record<string, unknown> {
  if (mapping.properties[SYNC_FIELD] !== undefined)
    throw new GatewayError('CONFIG_INVALID', `search mapping ${mapping.index} declares the reserved field ${SYNC_FIELD}`);
  return {
    settings: {
      number_of_shards: layout.shards,
      number_of_replicas: layout.replicas,
      refresh_interval: '1s',
      // index.gc_deletes stays at its default: deletes are versioned tombstone documents, which
      // keep their version for as long as they exist (see search-applier.ts).
      analysis: { analyzer: { multilingual: multilingualAnalyzer(level) } },
      ...layout.settings,
    },
    mappings: {
      // Fields toDocument adds without a declared mapping stay in _source unindexed instead of
      // growing the mapping by guess or being rejected.
      dynamic: false,
      _meta: { gateway: { mapping_version: SEARCH_MAPPING_VERSION, analysis: level, fingerprint: mappingFingerprint(mapping, level) } },
      properties: { ...mapping.properties, [SYNC_FIELD]: syncFieldMapping(mapping) },
    },
  };
}

/**
 * Creates, for every searchable entity and for the guard index, a physical index with its alias
 * when the alias is missing; existing aliases are left alone (a reindex moves them). Safe when
 * several gateways start together: the alias is created with the index as its write index, so of
 * two concurrent creations Elasticsearch accepts one and rejects the other whole ("more than one
 * write index"), leaving no orphan; the loser then finds the alias.
 */
export function completeLayout(layout: Partial<IndexLayout> | undefined): IndexLayout {
  return { shards: layout?.shards ?? 1, replicas: layout?.replicas ?? 0, settings: layout?.settings ?? {} };
}

/**
 * The guard index is only ever read by id in real time (a get sees every acknowledged write,
 * refreshing internally when it must), never searched, so scheduled refreshes would only cut a
 * segment a second out of a stream of tiny documents for merges to clean up. Older installs keep
 * the default interval, which is merely slower.
 */
export function guardIndexSettings(layout: IndexLayout): Record<string, unknown> {
  return { number_of_shards: 1, number_of_replicas: layout.replicas, refresh_interval: '-1' };
}

export async function ensureIndices(deps: EnsureIndicesDependencies): Promise<{ created: string[]; analysis: AnalysisLevel }> {
  const layout = completeLayout(deps.layout);
  const now = deps.now ?? Date.now;
  const level = await detectAnalysisLevel(deps.client);
  if (level === 'core')
    deps.logger.warn(
      {},
      'elasticsearch lacks the analysis-common module: the multilingual analyzer falls back to standard + lowercase (CJK as single characters)',
    );
  const wanted: { alias: string; body: Record<string, unknown> }[] = [
    { alias: guardAlias(deps.indexPrefix), body: { settings: guardIndexSettings(layout), mappings: guardIndexMapping } },
  ];
  for (const entity of deps.registry.entities) {
    if (entity.search !== undefined)
      wanted.push({ alias: searchAlias(deps.indexPrefix, entity.search), body: entityIndexBody(entity.search, level, layout) });
  }
  const created: string[] = [];
  for (const { alias, body } of wanted) {
    const name = await createAliasedIndex(deps.client, alias, body, now());
    if (name !== null) {
      created.push(name);
      deps.logger.info({ alias, index: name }, 'search index created');
    }
  }
  return { created, analysis: level };
}

async function createAliasedIndex(client: Client, alias: string, body: Record<string, unknown>, atMs: number): Promise<string | null> {
  if (await aliasExists(client, alias)) return null;
  const index = physicalIndexName(alias, SEARCH_MAPPING_VERSION, atMs);
  try {
    await client.indices.create({ index, ...body, aliases: { [alias]: { is_write_index: true } } });
    return index;
  } catch (error) {
    // Lost a race with another process: its index now owns the alias.
    if (await aliasExists(client, alias)) return null;
    if (error instanceof errors.ResponseError && error.statusCode === 400) {
      throw new GatewayError('CONFIG_INVALID', `cannot create search index ${index}: ${JSON.stringify(error.meta.body)}`, { cause: error });
    }
    throw toSearchError(error, `elasticsearch create index ${index}`);
  }
}

async function aliasExists(client: Client, alias: string): Promise<boolean> {
  try {
    return await client.indices.existsAlias({ name: alias });
  } catch (error) {
    throw toSearchError(error, `elasticsearch alias lookup ${alias}`);
  }
}

/** 'cjk' when every node carries the analysis-common module (or installs it as a plugin). */
export async function detectAnalysisLevel(client: Client): Promise<AnalysisLevel> {
  let nodes: Record<string, { modules?: { name?: string }[]; plugins?: { name?: string }[] }>;
  try {
    nodes = (await client.nodes.info({ metric: 'plugins', filter_path: 'nodes.*.modules.name,nodes.*.plugins.name' })).nodes ?? {};
  } catch (error) {
    throw toSearchError(error, 'elasticsearch node info');
  }
  const all = Object.values(nodes);
  const hasCommon =
    all.length > 0 &&
    all.every((node) => [...(node.modules ?? []), ...(node.plugins ?? [])].some((item) => item.name === 'analysis-common'));
  return hasCommon ? 'cjk' : 'core';
}

/** The mapping fingerprint an existing index was created with (null for indices older than fingerprints). */
export async function indexFingerprint(client: Client, index: string): Promise<string | null> {
  let response: Record<string, { mappings?: { _meta?: { gateway?: { fingerprint?: unknown } } } }>;
  try {
    response = await client.indices.getMapping({ index });
  } catch (error) {
    throw toSearchError(error, `elasticsearch mapping of ${index}`);
  }
  const fingerprint = Object.values(response)[0]?.mappings?._meta?.gateway?.fingerprint;
  return typeof fingerprint === 'string' ? fingerprint : null;
}

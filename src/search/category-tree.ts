import type { Client, estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { categoryEntity } from '../schema/category.type.js';
import { searchAlias } from '../index/index-manager.js';
import { runSearch } from './run-search.js';
import { liveDocumentsFilter } from '../index/search-documents.js';

/*
 * "A category and everything below it", answered from the categories index one tree level per
 * request (a terms query on parent_id), so filtering a search by a category costs a few small
 * Elasticsearch requests and no database read. Documents embed only their own category id: storing
 * the whole ancestor path would need every product rewritten when a category moves.
 */

const MAX_DEPTH = 10;
const MAX_CATEGORIES = 10_000;

export interface CategoryTreeReader {
  readonly client: Client;
  readonly indexPrefix: string;
}

/** The given category ids plus all their descendants. */
export async function withDescendants(reader: CategoryTreeReader, ids: readonly string[]): Promise<string[]> {
  const subtrees = await walkDown(reader, new Map(ids.map((id) => [id, id])));
  return [...subtrees.keys()];
}

/**
 * The children of `parentId` (the root categories when null), each with its whole subtree:
 * child id → [child id, …descendant ids].
 */
export async function subtreesBelow(reader: CategoryTreeReader, parentId: string | null): Promise<Map<string, string[]>> {
  const top =
    parentId === null
      ? await categoryIds(reader, { bool: { filter: [liveDocumentsFilter], must_not: [{ exists: { field: 'parent_id' } }] } })
      : [...(await childrenOf(reader, [parentId])).keys()];
  const groups = new Map<string, string[]>(top.map((id) => [id, []]));
  for (const [id, group] of await walkDown(reader, new Map(top.map((id) => [id, id])))) groups.get(group)?.push(id);
  return groups;
}

/** Breadth-first from `start` (id → the group it belongs to); every reached id → its group. */
async function walkDown(reader: CategoryTreeReader, start: Map<string, string>): Promise<Map<string, string>> {
  const reached = new Map(start);
  let frontier = [...start.keys()];
  for (let depth = 0; frontier.length > 0; depth += 1) {
    if (depth >= MAX_DEPTH || reached.size > MAX_CATEGORIES) {
      throw new GatewayError(
        'QUERY_TOO_COMPLEX',
        `the category tree below ${[...start.keys()].slice(0, 5).join(', ')} is deeper than ${MAX_DEPTH} levels or larger than ${MAX_CATEGORIES} categories`,
      );
    }
    const next: string[] = [];
    for (const [child, parent] of await childrenOf(reader, frontier)) {
      if (reached.has(child)) continue;
      reached.set(child, reached.get(parent) ?? parent);
      next.push(child);
    }
    frontier = next;
  }
  return reached;
}

/** child id → parent id, for the children of the given categories. */
async function childrenOf(reader: CategoryTreeReader, parentIds: readonly string[]): Promise<Map<string, string>> {
  const hits = await searchCategories(reader, { bool: { filter: [liveDocumentsFilter, { terms: { parent_id: [...parentIds] } }] } });
  const children = new Map<string, string>();
  for (const hit of hits) {
    const parent = (hit._source as { parent_id?: unknown } | undefined)?.parent_id;
    if (hit._id !== undefined && (typeof parent === 'number' || typeof parent === 'string')) children.set(hit._id, String(parent));
  }
  return children;
}

async function categoryIds(reader: CategoryTreeReader, query: estypes.QueryDslQueryContainer): Promise<string[]> {
  return (await searchCategories(reader, query)).flatMap((hit) => (hit._id === undefined ? [] : [hit._id]));
}

async function searchCategories(reader: CategoryTreeReader, query: estypes.QueryDslQueryContainer): Promise<estypes.SearchHit<unknown>[]> {
  const index = searchAlias(reader.indexPrefix, categoryEntity.search);
  const found = await runSearch(
    reader.client,
    index,
    { query, size: MAX_CATEGORIES, _source: ['parent_id'], track_total_hits: false },
    'category lookup',
  );
  return found.hits.hits;
}

import type { Client } from '@elastic/elasticsearch';

/**
 * Deletes every index whose name starts with `prefix`; resolves with how many. Elasticsearch 8
 * refuses wildcard deletes (action.destructive_requires_name), so the names are resolved first.
 */
export async function deleteIndicesWithPrefix(client: Client, prefix: string): Promise<number> {
  const found = await client.indices.get({
    index: `${prefix}*`,
    expand_wildcards: 'all',
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  const names = Object.keys(found).filter((name) => name.startsWith(prefix));
  for (let from = 0; from < names.length; from += 50) {
    await client.indices.delete({ index: names.slice(from, from + 50), ignore_unavailable: true });
  }
  return names.length;
}

import type { Client } from '@elastic/elasticsearch';

/**
 * Deletes every index whose name starts with `prefix`. Elasticsearch 8 refuses wildcard deletes
 * (action.destructive_requires_name), so the names are resolved first; a wildcard delete would fail
 * quietly and leave indices piling up on the node.
 */
export async function deleteIndicesWithPrefix(client: Client, prefix: string): Promise<void> {
  const { indices } = await client.indices.resolveIndex({ name: `${prefix}*`, expand_wildcards: 'all' });
  const names = indices.map((index) => index.name);
  if (names.length > 0) await client.indices.delete({ index: names.join(',') });
}

import type { Client } from '@elastic/elasticsearch';
import type { EntityDeclaration } from '../schema/entity.js';
import { toSearchError } from '../index/elasticsearch-client.js';
import { searchAlias } from '../index/index-manager.js';
import { liveDocument, tombstoneDocument } from '../index/search-documents.js';
import type { SearchFinding } from './search-check.js';

/**
 * Rewrites disagreeing documents from MySQL's rows: at their own version with `external_gte`, so a
 * newer change the consumer applies meanwhile still wins, and a document that had none gets version
 * 1 (any real change is newer). Resurrected ones become tombstones at their version.
 */
export async function repairSearchDocuments(
  client: Client,
  indexPrefix: string,
  entity: EntityDeclaration,
  findings: readonly SearchFinding[],
  nowMs: number,
): Promise<number> {
  const mapping = entity.search;
  if (mapping === undefined || findings.length === 0) return 0;
  const index = searchAlias(indexPrefix, mapping);
  const lines: string[] = [];
  for (const finding of findings) {
    const version = finding.version > 0n ? finding.version : 1n;
    const document =
      finding.problem === 'resurrected' || finding.inputs === null
        ? tombstoneDocument(entity, finding.id, version, nowMs)
        : liveDocument(mapping, finding.inputs, version, finding.embeds, nowMs);
    // The version goes in as exact integer text: it can exceed 2^53.
    lines.push(
      `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(finding.id)},"version":${version.toString()},"version_type":"external_gte"}}`,
      JSON.stringify(document),
    );
  }
  try {
    const response = await client.transport.request<{ items?: { index?: { status?: number } }[] }>({
      method: 'POST',
      path: '/_bulk',
      querystring: { require_alias: 'true', refresh: 'wait_for' },
      bulkBody: `${lines.join('\n')}\n`,
    });
    return (response.items ?? []).filter((item) => (item.index?.status ?? 500) < 300).length;
  } catch (error) {
    throw toSearchError(error, `repairing documents of ${index}`);
  }
}

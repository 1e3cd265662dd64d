import type { Client } from '@elastic/elasticsearch';
import type { RequestContext } from './request-context.js';

/**
 * The request's Elasticsearch client, noting that its answer now comes from the search indices too.
 * Every searchable document embeds related rows, so both lanes' bounds apply (documents and embeds).
 */
export function searchedBy(context: RequestContext): Client {
  context.scope.freshness.touched.add('elasticsearch');
  context.scope.freshness.touched.add('elasticsearch-embeds');
  return context.search;
}

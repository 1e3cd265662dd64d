import type { Client, estypes } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { toSearchError } from '../index/elasticsearch-client.js';

/**
 * One search request on behalf of a client. Failures become GatewayErrors whose message names only
 * what was being done, never hosts, ports or Elasticsearch's own wording (the GraphQL boundary shows
 * GatewayError messages as they are); the original error stays attached as `cause`.
 * SEARCH_UNAVAILABLE: Elasticsearch is down, slow or missing the index. INTERNAL: it rejected the
 * request as malformed, which the input validation in front of every query exists to prevent.
 */
export async function runSearch(
  client: Client,
  index: string,
  body: estypes.SearchRequest,
  what: string,
): Promise<estypes.SearchResponse<unknown>> {
  try {
    return await client.search<unknown>({ ...body, index });
  } catch (error) {
    const mapped = toSearchError(error, what);
    const message =
      mapped.code === 'SEARCH_UNAVAILABLE' ? `search is unavailable right now (${what}); entity reads still work` : `${what} failed`;
    throw new GatewayError(mapped.code, message, { cause: mapped, details: { what } });
  }
}

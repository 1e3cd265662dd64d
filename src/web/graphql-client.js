/**
 * The page's only way to the gateway: POST /graphql with JSON (which also satisfies CSRF
 * prevention), the API key when one is set, and the freshness header so the page can show how
 * fresh each answer is.
 */
const API_KEY_STORAGE = 'gateway.apiKey';

export class GraphQLRequestError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
  }
}

export function storedApiKey() {
  return window.localStorage.getItem(API_KEY_STORAGE) ?? '';
}

export function storeApiKey(key) {
  if (key === '') window.localStorage.removeItem(API_KEY_STORAGE);
  else window.localStorage.setItem(API_KEY_STORAGE, key);
}

/**
 * Resolves with { data, extensions }; rejects with a GraphQLRequestError carrying the first
 * error's code. `signal` lets a newer keystroke cancel an older search.
 */
export async function graphql(query, variables, { signal } = {}) {
  const headers = { 'content-type': 'application/json', 'x-gateway-freshness': '1' };
  const key = storedApiKey();
  if (key !== '') headers['x-api-key'] = key;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new GraphQLRequestError(`the gateway answered ${response.status} without JSON`, 'BAD_RESPONSE');
  }
  const first = body.errors?.[0];
  if (first !== undefined) throw new GraphQLRequestError(first.message, first.extensions?.code ?? 'UNKNOWN');
  return { data: body.data, extensions: body.extensions ?? {} };
}

export const SEARCH_QUERY = `query SearchPage($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort, $first: Int, $after: String) {
  searchProducts(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { node { id name brand price stock category { name } } highlights { field snippets } }
    pageInfo { hasNextPage endCursor }
    facets {
      brands { value count }
      categories { categoryId count category { name } }
      priceRanges { from to count }
    }
  }
}`;

export const SUGGEST_QUERY = `query Suggest($prefix: String!) {
  suggestProducts(prefix: $prefix, first: 6) { text product { id name brand } }
}`;

export const EARNINGS_QUERY = `query Earnings($userId: ID!) {
  user(id: $userId) { id name level }
  earningsSummary(userId: $userId) {
    total pending settled cancelled count
    breakdown { type status count amount }
  }
  earnings(userId: $userId, first: 10) { nodes { id type status amount createdAt } }
}`;

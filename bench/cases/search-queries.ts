import type { GraphQLSchema, GraphQLField, GraphQLNamedType } from 'graphql';
import { getNamedType, isEnumType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import { brands, productNouns } from '../../src/demo/vocabulary.js';
import { liveDocumentsFilter } from '../../src/index/search-documents.js';

/** What shoppers type: product nouns in both languages, brands, and brand + noun. */
export function searchTerms(count = 200): string[] {
  const terms: string[] = [];
  for (let index = 0; terms.length < count; index += 1) {
    const [zh, en] = productNouns[index % productNouns.length] ?? ['', ''];
    const brand = brands[index % brands.length] ?? '';
    terms.push([en.split(' ').at(-1) ?? en, zh, brand, `${brand} ${en}`][index % 4] ?? en);
  }
  return terms;
}

/** S1's floor: the query a search resolver would send, straight to Elasticsearch (live documents, top 20). */
export function elasticsearchQueryBody(term: string): Record<string, unknown> {
  return {
    size: 20,
    track_total_hits: 1_000,
    _source: ['id', 'name', 'brand', 'price'],
    query: {
      bool: {
        must: [{ multi_match: { query: term, fields: ['name^3', 'brand^2', 'category_name', 'description'] } }],
        filter: [liveDocumentsFilter],
      },
    },
  };
}

export interface SearchOperation {
  readonly query: string;
  /** Name of the String argument the search terms go into. */
  readonly termVariable: string;
}

const TEXT_ARGUMENTS = ['query', 'text', 'q', 'search', 'term', 'terms', 'keyword', 'keywords'];
const PAGE_ARGUMENTS = ['first', 'limit', 'size', 'pageSize'];
const PREFERRED_LEAVES = ['id', 'name', 'brand', 'price', 'score', 'total', 'totalCount', 'count'];
/** Wrappers to descend through, best first: only the first one a type has is selected. */
const PREFERRED_OBJECTS = ['nodes', 'items', 'hits', 'results', 'products', 'edges', 'node', 'product'];

function selection(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).filter((field) =>
    field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined),
  );
  const leaves = fields.filter(
    (field) => PREFERRED_LEAVES.includes(field.name) && (isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type))),
  );
  const byName = new Map(fields.map((field) => [field.name, field]));
  const objects: string[] = [];
  for (const name of depth >= 3 ? [] : PREFERRED_OBJECTS) {
    const field = byName.get(name);
    const inner = field === undefined ? '' : selection(getNamedType(field.type), depth + 1);
    if (inner !== '') {
      objects.push(`${name} ${inner}`);
      break;
    }
  }
  const parts = [...leaves.map((field) => field.name), ...objects];
  return parts.length === 0 ? '' : `{ ${parts.join(' ')} }`;
}

/**
 * The S1 operation for whatever `searchProducts` signature the schema has: the search text goes
 * into its String argument, a page-size argument gets 20, the selection takes id/name/price-like
 * fields through connection or list wrappers. Null, with the reason, when it cannot be filled.
 */
export function searchOperation(schema: GraphQLSchema): SearchOperation | { readonly missing: string } {
  const field: GraphQLField<unknown, unknown> | undefined = schema.getQueryType()?.getFields()['searchProducts'];
  if (field === undefined) return { missing: 'the schema has no Query.searchProducts yet' };
  const definitions: string[] = [];
  const args: string[] = [];
  let termVariable: string | null = null;
  for (const arg of field.args) {
    const named = getNamedType(arg.type);
    if (termVariable === null && TEXT_ARGUMENTS.includes(arg.name) && named.name === 'String' && !isListType(arg.type)) {
      termVariable = arg.name;
      definitions.push(`$${arg.name}: ${arg.type.toString()}`);
      args.push(`${arg.name}: $${arg.name}`);
    } else if (PAGE_ARGUMENTS.includes(arg.name) && named.name === 'Int') {
      args.push(`${arg.name}: 20`);
    } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
      return { missing: `searchProducts needs argument ${arg.name}: ${arg.type.toString()}, which the bench cannot fill` };
    }
  }
  if (termVariable === null) return { missing: `searchProducts has no String argument named ${TEXT_ARGUMENTS.join('/')}` };
  const fields = selection(getNamedType(field.type), 0) || '{ __typename }';
  return { query: `query Search(${definitions.join(', ')}) { searchProducts(${args.join(', ')}) ${fields} }`, termVariable };
}

import { searchedBy } from './searched-by.js';
import type { estypes } from '@elastic/elasticsearch';
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { Kind } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../auth/viewer.js';
import { GatewayError } from '../errors.js';
import { Category, categoryEntity } from '../schema/category.type.js';
import { productEntity } from '../schema/product.type.js';
import type { Row } from '../rows/row.js';
import { withDescendants } from '../search/category-tree.js';
import { searchAlias } from '../index/index-manager.js';
import { formatMinorUnits, parseMoneyArgument } from '../rows/money.js';
import type { ProductFilters } from '../search/product-search-query.js';
import { buildProductSearch, filterValues, normalizeSearchText, productSortShape } from '../search/product-search-query.js';
import { readProductSearch } from '../search/product-search-results.js';
import { runSearch } from '../search/run-search.js';
import { decodeSearchCursor, encodeSearchCursor, searchFingerprint } from '../search/search-cursor.js';
import { parseFirst, parseIds } from './arguments.js';
import type { ProductSearchEdge } from '../schema/product-search.types.js';
import {
  CategoryFacet,
  ProductSearchFilter,
  ProductSearchConnection,
  ProductSearchSort,
  ProductSuggestion,
} from '../schema/product-search.types.js';
import type { RequestContext } from './request-context.js';
import { asCategory, asProduct, loadOne } from './row-objects.js';

const MAX_SUGGESTIONS = 20;
const MAX_PREFIX_LENGTH = 100;

/**
 * Search pages: Elasticsearch finds and orders the ids, counts and facets; the products themselves
 * come through the cache-aside loaders, so a product deleted a moment ago is left out, and fields
 * are as fresh as the cache. Only active products are shown.
 */
@Resolver()
export class ProductSearchResolver {
  @Authorized(Roles.public)
  @Query(() => ProductSearchConnection, { description: 'Full-text product search with filters, facets, highlights and cursor pagination.' })
  async searchProducts(
    @Ctx() context: RequestContext,
    @Arg('query', () => String, { nullable: true, description: 'Plain text (at most 200 characters); typos are tolerated.' })
    query: string | null,
    @Arg('filter', () => ProductSearchFilter, { nullable: true }) filter: ProductSearchFilter | null,
    @Arg('sort', () => ProductSearchSort, { defaultValue: ProductSearchSort.RELEVANCE }) sort: ProductSearchSort,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProductSearchConnection> {
    const text = normalizeSearchText(query);
    const size = parseFirst(first);
    const requested = readFilter(filter);
    const fingerprint = searchFingerprint({ text, requested, sort });
    const afterValues = decodeSearchCursor(after, fingerprint, productSortShape(sort));
    const categoryIds =
      requested.categoryIds === null
        ? null
        : await withDescendants({ client: context.search, indexPrefix: indexPrefix(context) }, requested.categoryIds);
    const compute = { facets: selects(info, ['facets']), highlights: selects(info, ['edges', 'highlights']) };
    const body = buildProductSearch({ text, filters: { ...requested, categoryIds }, sort, first: size, after: afterValues, compute });
    const page = readProductSearch(await runSearch(searchedBy(context), productsAlias(context), body, 'product search'), size);
    const rows = await context.loaders.rows(
      productEntity,
      page.hits.map((hit) => hit.id),
    );
    const edges = page.hits.flatMap((hit, position): ProductSearchEdge[] => {
      const row = rows[position] ?? null;
      if (!isActive(row)) return [];
      return [
        {
          cursor: encodeSearchCursor(fingerprint, hit.sortValues),
          node: asProduct(row),
          highlights: hit.highlights.map(({ field, snippets }) => ({ field, snippets: [...snippets] })),
        },
      ];
    });
    const last = page.hits[page.hits.length - 1];
    return {
      totalCount: page.total,
      edges,
      nodes: edges.map((edge) => edge.node),
      // The cursor is the last hit's, even when that product was left out: the next page starts after it.
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last === undefined ? null : encodeSearchCursor(fingerprint, last.sortValues) },
      facets: {
        brands: [...page.facets.brands],
        categories: page.facets.categories.map((bucket) => ({ categoryId: bucket.value, count: bucket.count })),
        priceRanges: page.facets.priceRanges.map((range) => ({
          from: range.fromCents === null ? null : formatMinorUnits(BigInt(range.fromCents)),
          to: range.toCents === null ? null : formatMinorUnits(BigInt(range.toCents)),
          count: range.count,
        })),
      },
    };
  }

  @Authorized(Roles.public)
  @Query(() => [ProductSuggestion], {
    description: 'Products whose name (or a word of it onwards) or brand starts with the prefix, typos tolerated.',
  })
  async suggestProducts(
    @Ctx() context: RequestContext,
    @Arg('prefix', () => String) prefix: string,
    @Arg('first', () => Int, { defaultValue: 8 }) first: number,
  ): Promise<ProductSuggestion[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SUGGESTIONS)
      throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_SUGGESTIONS}, got ${first}`);
    const text = normalizeSearchText(prefix, MAX_PREFIX_LENGTH);
    if (text === null) return [];
    const body: estypes.SearchRequest = {
      _source: false,
      // Twice as many as asked: some may have been deleted or deactivated since they were indexed.
      suggest: {
        products: {
          prefix: text,
          completion: { field: 'name_suggest', size: first * 2, fuzzy: { fuzziness: 'AUTO' }, contexts: { status: ['active'] } },
        },
      },
    };
    const response = await runSearch(searchedBy(context), productsAlias(context), body, 'product suggestions');
    const options = (response.suggest?.products?.[0]?.options ?? []) as { text?: string; _id?: string }[];
    const unique = [
      ...new Map(options.flatMap((option) => (option._id === undefined ? [] : [[option._id, option.text ?? ''] as const]))).entries(),
    ];
    const rows = await context.loaders.rows(
      productEntity,
      unique.map(([id]) => id),
    );
    return unique
      .flatMap(([, matched], position): ProductSuggestion[] => {
        const row = rows[position] ?? null;
        return isActive(row) ? [{ text: matched, product: asProduct(row) }] : [];
      })
      .slice(0, first);
  }
}

@Resolver(() => CategoryFacet)
export class CategoryFacetResolver {
  @FieldResolver(() => Category, { nullable: true })
  category(@Root() facet: CategoryFacet, @Ctx() context: RequestContext) {
    return loadOne(context, categoryEntity, facet.categoryId, asCategory);
  }
}

/**
 * Whether the client's selection of the field being resolved reaches `path` (field names, aliases
 * aside), through fragments. A field under @skip/@include counts as selected: computing something
 * unused costs time, leaving out something shown would be wrong.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): boolean {
  const reaches = (selectionSet: SelectionSetNode | undefined, rest: readonly string[], seen: ReadonlySet<string>): boolean => {
    if (rest.length === 0) return true;
    if (selectionSet === undefined) return false;
    return selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === rest[0] && reaches(selection.selectionSet, rest.slice(1), seen);
      if (selection.kind === Kind.INLINE_FRAGMENT) return reaches(selection.selectionSet, rest, seen);
      const name = selection.name.value;
      const fragment = info.fragments[name];
      return fragment !== undefined && !seen.has(name) && reaches(fragment.selectionSet, rest, new Set([...seen, name]));
    });
  };
  return info.fieldNodes.some((node) => reaches(node.selectionSet, path, new Set()));
}

/**
 * The ids of a search's first page (relevance order), as searchProducts would find them: what
 * searchProductsChanged watches.
 */
export async function firstPageProductIds(
  context: RequestContext,
  query: string | null,
  filter: ProductSearchFilter | null,
  first: number,
): Promise<string[]> {
  const requested = readFilter(filter);
  const categoryIds =
    requested.categoryIds === null
      ? null
      : await withDescendants({ client: context.search, indexPrefix: indexPrefix(context) }, requested.categoryIds);
  const body = buildProductSearch({
    text: normalizeSearchText(query),
    filters: { ...requested, categoryIds },
    sort: ProductSearchSort.RELEVANCE,
    first: parseFirst(first),
    after: null,
    compute: { facets: false, highlights: false },
  });
  return readProductSearch(await runSearch(context.search, productsAlias(context), body, 'product search'), first).hits.map(
    (hit) => hit.id,
  );
}

function readFilter(filter: ProductSearchFilter | null): ProductFilters {
  const minPriceCents = filter?.minPrice == null ? null : parseMoneyArgument(filter.minPrice, 'filter.minPrice');
  const maxPriceCents = filter?.maxPrice == null ? null : parseMoneyArgument(filter.maxPrice, 'filter.maxPrice');
  if (minPriceCents !== null && maxPriceCents !== null && minPriceCents > maxPriceCents)
    throw new GatewayError('BAD_USER_INPUT', 'filter.minPrice is above filter.maxPrice');
  const categoryIds =
    filter?.categoryIds == null || filter.categoryIds.length === 0 ? null : parseIds(filter.categoryIds, 'filter.categoryIds');
  return {
    categoryIds,
    brands: filterValues(filter?.brands, 'filter.brands'),
    minPriceCents,
    maxPriceCents,
    inStock: filter?.inStock ?? null,
    tags: filterValues(filter?.tags, 'filter.tags'),
  };
}

function isActive(row: Row | null): row is Row {
  return row !== null && row.status === 'active';
}

const indexPrefix = (context: RequestContext) => context.config.elasticsearch.indexPrefix;
const productsAlias = (context: RequestContext) => searchAlias(indexPrefix(context), productEntity.search);

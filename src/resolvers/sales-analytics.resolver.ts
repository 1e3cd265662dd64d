import { searchedBy } from './searched-by.js';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../auth/viewer.js';
import { GatewayError } from '../errors.js';
import { Category, categoryEntity } from '../schema/category.type.js';
import type { SearchMapping } from '../schema/entity.js';
import { orderItemEntity } from '../schema/order-item.type.js';
import { orderEntity } from '../schema/order.type.js';
import { Product, productEntity } from '../schema/product.type.js';
import { subtreesBelow, withDescendants } from '../search/category-tree.js';
import { searchAlias } from '../index/index-manager.js';
import { formatMinorUnits } from '../rows/money.js';
import { runSearch } from '../search/run-search.js';
import type { ProductSalesValue } from '../search/sales-analytics-queries.js';
import {
  buildCategoryBreakdown,
  buildSalesOverTime,
  buildTopProducts,
  checkBucketCount,
  checkCurrency,
  checkTimeZone,
  readCategoryBreakdown,
  readSalesOverTime,
  readTopProducts,
  timeRange,
} from '../search/sales-analytics-queries.js';
import { parseId } from './arguments.js';
import { CategorySales, ProductSales, SalesBucket, SalesInterval, TimeRangeInput, TopProductsBy } from '../schema/analytics.types.js';
import type { RequestContext } from './request-context.js';
import { asCategory, asProduct, loadOne } from './row-objects.js';

const MAX_TOP_PRODUCTS = 100;

/**
 * Internal sales analytics, answered by Elasticsearch aggregations over the orders and order-items
 * indices (kept current by the CDC consumer): no MySQL read at query time. Analysts only.
 */
@Resolver()
export class SalesAnalyticsResolver {
  @Authorized(Roles.analyst)
  @Query(() => [SalesBucket], {
    description: 'Orders and revenue per calendar bucket of [from, to) in one currency; empty buckets included.',
  })
  async salesOverTime(
    @Ctx() context: RequestContext,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('interval', () => SalesInterval) interval: SalesInterval,
    @Arg('currency', () => String) currency: string,
    @Arg('timeZone', () => String, { defaultValue: 'UTC' }) timeZone: string,
    @Arg('categoryId', () => ID, { nullable: true, description: 'Only lines of products in this category or below it.' })
    categoryId: string | null,
  ): Promise<SalesBucket[]> {
    const window = timeRange(range.from, range.to);
    checkBucketCount(window, interval);
    const category = optionalId(categoryId, 'categoryId');
    const categoryIds = category === null ? null : await withDescendants(treeReader(context), [category]);
    const { byItems, body } = buildSalesOverTime({
      range: window,
      interval,
      timeZone: checkTimeZone(timeZone),
      currency: checkCurrency(currency),
      categoryIds,
    });
    const response = await runSearch(
      searchedBy(context),
      alias(context, byItems ? orderItemEntity.search : orderEntity.search),
      body,
      'sales over time',
    );
    return readSalesOverTime(response, byItems).map((bucket) => ({
      start: new Date(bucket.startMs).toISOString(),
      label: bucket.label,
      orders: bucket.orders,
      revenue: formatMinorUnits(bucket.revenueCents),
    }));
  }

  @Authorized(Roles.analyst)
  @Query(() => [ProductSales], { description: 'Best-selling products over [from, to) in one currency.' })
  async topProducts(
    @Ctx() context: RequestContext,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('currency', () => String) currency: string,
    @Arg('by', () => TopProductsBy, { defaultValue: TopProductsBy.REVENUE }) by: TopProductsBy,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ): Promise<ProductSales[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_TOP_PRODUCTS) throw badFirst(first);
    const body = buildTopProducts(timeRange(range.from, range.to), checkCurrency(currency), by, first);
    const response = await runSearch(searchedBy(context), alias(context, orderItemEntity.search), body, 'top products');
    return readTopProducts(response).map((value) => ({ productId: value.key, ...salesFields(value) }));
  }

  @Authorized(Roles.analyst)
  @Query(() => [CategorySales], {
    description: 'Sales per child of parentId (per root category when omitted), each including its sub-categories, largest first.',
  })
  async categoryBreakdown(
    @Ctx() context: RequestContext,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('currency', () => String) currency: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
  ): Promise<CategorySales[]> {
    const window = timeRange(range.from, range.to);
    const subtrees = await subtreesBelow(treeReader(context), optionalId(parentId, 'parentId'));
    if (subtrees.size === 0) return [];
    const response = await runSearch(
      searchedBy(context),
      alias(context, orderItemEntity.search),
      buildCategoryBreakdown(window, checkCurrency(currency), subtrees),
      'category breakdown',
    );
    return readCategoryBreakdown(response).map((value) => ({ categoryId: value.key, ...salesFields(value) }));
  }
}

@Resolver(() => ProductSales)
export class ProductSalesResolver {
  @FieldResolver(() => Product, { nullable: true, description: 'Null when the product no longer exists.' })
  product(@Root() sales: ProductSales, @Ctx() context: RequestContext) {
    return loadOne(context, productEntity, sales.productId, asProduct);
  }
}

@Resolver(() => CategorySales)
export class CategorySalesResolver {
  @FieldResolver(() => Category, { nullable: true })
  category(@Root() sales: CategorySales, @Ctx() context: RequestContext) {
    return loadOne(context, categoryEntity, sales.categoryId, asCategory);
  }
}

function salesFields(value: ProductSalesValue) {
  return { units: Number(value.units), revenue: formatMinorUnits(value.revenueCents), orders: value.orders };
}

/** An omitted nullable argument arrives as undefined. */
function optionalId(value: string | null | undefined, argument: string): string | null {
  return value === null || value === undefined ? null : parseId(value, argument);
}

function badFirst(first: number): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_TOP_PRODUCTS}, got ${first}`);
}

const treeReader = (context: RequestContext) => ({ client: context.search, indexPrefix: context.config.elasticsearch.indexPrefix });
const alias = (context: RequestContext, mapping: SearchMapping | undefined) =>
  searchAlias(context.config.elasticsearch.indexPrefix, mapping as SearchMapping);

import { searchedBy } from './searched-by.js';
import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/viewer.js';
import { GatewayError } from '../errors.js';
import { commissionEntity } from '../schema/commission.type.js';
import type { EarningsBucketValue, EarningsFilters } from '../search/earnings-queries.js';
import {
  COMMISSION_STATUSES,
  COMMISSION_TYPES,
  EARNINGS_SORT_SHAPE,
  buildEarningsList,
  buildEarningsSummary,
  readEarningsSummary,
} from '../search/earnings-queries.js';
import { searchAlias } from '../index/index-manager.js';
import { formatMinorUnits } from '../rows/money.js';
import { runSearch } from '../search/run-search.js';
import { timeRange } from '../search/sales-analytics-queries.js';
import { decodeSearchCursor, encodeSearchCursor, searchFingerprint } from '../search/search-cursor.js';
import { parseFirst, parseId } from './arguments.js';
import type { EarningsEdge, EarningsTotal } from '../schema/analytics.types.js';
import { EarningsConnection, EarningsFilter, EarningsSummary } from '../schema/analytics.types.js';
import type { RequestContext } from './request-context.js';
import { asCommission } from './row-objects.js';

/**
 * The social-commerce earnings view. The summary is an aggregation over one document per commission
 * row, so it follows inserts, updates and deletes as soon as the CDC consumer applied them and the
 * index refreshed, stays exact under replays, and never scans MySQL. Earnings are personal data:
 * the `personal` role is required.
 */
@Resolver()
export class EarningsResolver {
  @Authorized(Roles.personal)
  @Query(() => EarningsSummary, { description: "A user's commission totals per type and status." })
  async earningsSummary(@Ctx() context: RequestContext, @Arg('userId', () => ID) userId: string): Promise<EarningsSummary> {
    const id = parseId(userId, 'userId');
    const response = await runSearch(searchedBy(context), commissionsAlias(context), buildEarningsSummary(id), 'earnings summary');
    const buckets = readEarningsSummary(response);
    const byStatus = totalsBy(buckets, (bucket) => bucket.status);
    const amountOf = (status: string) => byStatus.get(status)?.amountCents ?? 0n;
    return {
      userId: id,
      total: formatMinorUnits(amountOf('pending') + amountOf('settled')),
      pending: formatMinorUnits(amountOf('pending')),
      settled: formatMinorUnits(amountOf('settled')),
      cancelled: formatMinorUnits(amountOf('cancelled')),
      count: buckets.reduce((sum, bucket) => sum + bucket.count, 0),
      byType: asTotals(totalsBy(buckets, (bucket) => bucket.type)),
      byStatus: asTotals(byStatus),
      breakdown: buckets.map((bucket) => ({
        type: bucket.type,
        status: bucket.status,
        count: bucket.count,
        amount: formatMinorUnits(bucket.amountCents),
      })),
    };
  }

  @Authorized(Roles.personal)
  @Query(() => EarningsConnection, { description: "A user's commission records, newest first, loaded through the cache." })
  async earnings(
    @Ctx() context: RequestContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('filter', () => EarningsFilter, { nullable: true }) filter: EarningsFilter | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<EarningsConnection> {
    const id = parseId(userId, 'userId');
    const size = parseFirst(first);
    const filters: EarningsFilters = {
      types: enumValues(filter?.types, COMMISSION_TYPES, 'filter.types'),
      statuses: enumValues(filter?.statuses, COMMISSION_STATUSES, 'filter.statuses'),
      range: filter?.range == null ? null : timeRange(filter.range.from, filter.range.to),
    };
    const fingerprint = searchFingerprint({ id, filters });
    const afterValues = decodeSearchCursor(after, fingerprint, EARNINGS_SORT_SHAPE);
    const response = await runSearch(
      searchedBy(context),
      commissionsAlias(context),
      buildEarningsList(id, filters, size, afterValues),
      'earnings list',
    );
    const hits = response.hits.hits.slice(0, size);
    const rows = await context.loaders.rows(
      commissionEntity,
      hits.map((hit) => hit._id ?? ''),
    );
    const edges = hits.flatMap((hit, position): EarningsEdge[] => {
      const row = rows[position] ?? null;
      return row === null ? [] : [{ cursor: encodeSearchCursor(fingerprint, hit.sort ?? []), node: asCommission(row) }];
    });
    const last = hits[hits.length - 1];
    const total = response.hits.total;
    return {
      totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: response.hits.hits.length > size,
        endCursor: last === undefined ? null : encodeSearchCursor(fingerprint, last.sort ?? []),
      },
    };
  }
}

function totalsBy(
  buckets: readonly EarningsBucketValue[],
  key: (bucket: EarningsBucketValue) => string,
): Map<string, { count: number; amountCents: bigint }> {
  const totals = new Map<string, { count: number; amountCents: bigint }>();
  for (const bucket of buckets) {
    const entry = totals.get(key(bucket)) ?? { count: 0, amountCents: 0n };
    totals.set(key(bucket), { count: entry.count + bucket.count, amountCents: entry.amountCents + bucket.amountCents });
  }
  return totals;
}

function asTotals(totals: Map<string, { count: number; amountCents: bigint }>): EarningsTotal[] {
  return [...totals].map(([key, { count, amountCents }]) => ({ key, count, amount: formatMinorUnits(amountCents) }));
}

function enumValues(values: readonly string[] | null | undefined, allowed: readonly string[], argument: string): string[] | null {
  if (values === null || values === undefined || values.length === 0) return null;
  for (const value of values)
    if (!allowed.includes(value))
      throw new GatewayError('BAD_USER_INPUT', `${argument} accepts ${allowed.join(', ')}; got ${JSON.stringify(value.slice(0, 20))}`);
  return [...new Set(values)];
}

const commissionsAlias = (context: RequestContext) => searchAlias(context.config.elasticsearch.indexPrefix, commissionEntity.search);

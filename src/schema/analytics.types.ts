import 'reflect-metadata';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Commission } from './commission.type.js';
import { DateTimeScalar, DecimalScalar } from './scalars.js';
import { PageInfo } from './connection.types.js';

/** GraphQL types of sales analytics and the earnings view (sales-analytics.resolver.ts, earnings.resolver.ts). */

export enum SalesInterval {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

export enum TopProductsBy {
  REVENUE = 'REVENUE',
  UNITS = 'UNITS',
}

registerEnumType(SalesInterval, {
  name: 'SalesInterval',
  description: 'Calendar buckets in the requested time zone (weeks start on Monday).',
});
registerEnumType(TopProductsBy, { name: 'TopProductsBy' });

@InputType('TimeRangeInput', { description: 'The half-open interval [from, to).' })
export class TimeRangeInput {
  @Field(() => DateTimeScalar) from!: string;
  @Field(() => DateTimeScalar) to!: string;
}

@ObjectType('SalesBucket', { simpleResolvers: true })
export class SalesBucket {
  @Field(() => DateTimeScalar, { description: 'Start of the bucket (local midnight, hour… in the time zone) as a UTC instant.' })
  start!: string;
  @Field(() => String, { description: 'The same instant in local time with its offset, e.g. 2025-03-01T00:00:00+08:00.' }) label!: string;
  @Field(() => Int, { description: 'Orders placed in the bucket (with a category: orders with a line in it).' }) orders!: number;
  @Field(() => DecimalScalar, { description: "Order totals (with a category: that category's line revenue), exact." }) revenue!: string;
}

@ObjectType('ProductSales')
export class ProductSales {
  @Field(() => ID) productId!: string;
  @Field(() => Int) units!: number;
  @Field(() => DecimalScalar) revenue!: string;
  @Field(() => Int) orders!: number;
}

@ObjectType('CategorySales', { description: 'Sales of one category including its sub-categories.' })
export class CategorySales {
  @Field(() => ID) categoryId!: string;
  @Field(() => Int) units!: number;
  @Field(() => DecimalScalar) revenue!: string;
  @Field(() => Int) orders!: number;
}

@ObjectType('EarningsBreakdown', { simpleResolvers: true })
export class EarningsBreakdown {
  @Field(() => String, { description: 'direct, team or bonus' }) type!: string;
  @Field(() => String, { description: 'pending, settled or cancelled' }) status!: string;
  @Field(() => Int) count!: number;
  @Field(() => DecimalScalar) amount!: string;
}

@ObjectType('EarningsTotal', { simpleResolvers: true })
export class EarningsTotal {
  @Field(() => String) key!: string;
  @Field(() => Int) count!: number;
  @Field(() => DecimalScalar) amount!: string;
}

@ObjectType('EarningsSummary', { simpleResolvers: true })
export class EarningsSummary {
  @Field(() => ID) userId!: string;
  @Field(() => DecimalScalar, { description: 'Pending plus settled (cancelled commissions are not earnings).' }) total!: string;
  @Field(() => DecimalScalar) pending!: string;
  @Field(() => DecimalScalar) settled!: string;
  @Field(() => DecimalScalar) cancelled!: string;
  @Field(() => Int, { description: 'Commission records of every status.' }) count!: number;
  @Field(() => [EarningsTotal]) byType!: EarningsTotal[];
  @Field(() => [EarningsTotal]) byStatus!: EarningsTotal[];
  @Field(() => [EarningsBreakdown], { description: 'Per type and status, for every combination present.' }) breakdown!: EarningsBreakdown[];
}

@InputType('EarningsFilter')
export class EarningsFilter {
  @Field(() => [String], { nullable: true }) types?: string[] | null;
  @Field(() => [String], { nullable: true }) statuses?: string[] | null;
  @Field(() => TimeRangeInput, { nullable: true, description: "On the commission's creation time." }) range?: TimeRangeInput | null;
}

@ObjectType('EarningsEdge', { simpleResolvers: true })
export class EarningsEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Commission) node!: Commission;
}

@ObjectType('EarningsConnection', { simpleResolvers: true })
export class EarningsConnection {
  @Field(() => Int) totalCount!: number;
  @Field(() => [EarningsEdge]) edges!: EarningsEdge[];
  @Field(() => [Commission]) nodes!: Commission[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { specifiedDirectives } from 'graphql';
import { maxStalenessDirective } from '../schema/max-staleness.directive.js';
import type { BuildSchemaOptions, PubSub } from 'type-graphql';
import { buildSchema } from 'type-graphql';
import { roleAuthChecker } from './auth-checker.js';
import { CategoryResolver } from './category.resolver.js';
import { EarningsResolver } from './earnings.resolver.js';
import { CommissionResolver, OrderItemResolver, OrderResolver } from './order.resolver.js';
import { CategoryFacetResolver, ProductSearchResolver } from './product-search.resolver.js';
import { ProductResolver } from './product.resolver.js';
import { QueryResolver } from './query.resolver.js';
import { CategorySalesResolver, ProductSalesResolver, SalesAnalyticsResolver } from './sales-analytics.resolver.js';
import { UserResolver } from './user.resolver.js';
import { shopLiveResolvers } from './live/live-resolvers.js';
import { modelResolversOf } from './model/model-resolvers.js';
import type { ServedSchema } from '../schema/schema-catalogue.js';

export const shopResolvers = [
  QueryResolver,
  ProductResolver,
  CategoryResolver,
  UserResolver,
  OrderResolver,
  OrderItemResolver,
  CommissionResolver,
  ProductSearchResolver,
  CategoryFacetResolver,
  SalesAnalyticsResolver,
  ProductSalesResolver,
  CategorySalesResolver,
  EarningsResolver,
  ...shopLiveResolvers,
] as const;

/**
 * type-graphql insists on a PubSub once there are subscriptions, even when each brings its own
 * `subscribe` (ours read the change hub from the context): this one only says so if ever used.
 */
const noTopicPubSub: PubSub = {
  publish: () => {
    throw new Error('subscriptions here take their events from the change hub, not from type-graphql topics');
  },
  subscribe: () => {
    throw new Error('subscriptions here take their events from the change hub, not from type-graphql topics');
  },
};

/** The options every schema over the shop's resolvers is built with (tests add resolvers to them). */
export const shopSchemaOptions = {
  directives: [...specifiedDirectives, maxStalenessDirective],
  validate: false,
  emitSchemaFile: false,
  authChecker: roleAuthChecker,
  authMode: 'error',
  pubSub: noTopicPubSub,
} satisfies Omit<BuildSchemaOptions, 'resolvers'>;

/** The executable schema; built once per process (type-graphql's metadata is global). */
export function buildShopSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: shopResolvers, ...shopSchemaOptions });
}

/** The schema of what GATEWAY_SCHEMA names: the shop's own resolvers, or the generic surface over a generated schema's models. */
export function buildGatewaySchema(served: ServedSchema): Promise<GraphQLSchema> {
  if (served.models === null) return buildShopSchema();
  const [first, ...rest] = modelResolversOf(served.models);
  if (first === undefined) throw new Error(`schema ${served.name} has no entities`);
  return buildSchema({ resolvers: [first, ...rest], ...shopSchemaOptions });
}

import type { Category } from '../schema/category.type.js';
import { categoryIdColumns } from '../schema/category.type.js';
import type { Commission } from '../schema/commission.type.js';
import { commissionIdColumns } from '../schema/commission.type.js';
import { toGraphQLObject } from '../schema/entity-fields.js';
import type { EntityDeclaration } from '../schema/entity.js';
import type { OrderItem } from '../schema/order-item.type.js';
import { orderItemIdColumns } from '../schema/order-item.type.js';
import type { Order } from '../schema/order.type.js';
import { orderIdColumns } from '../schema/order.type.js';
import type { Product } from '../schema/product.type.js';
import { productIdColumns } from '../schema/product.type.js';
import type { User } from '../schema/user.type.js';
import { userIdColumns } from '../schema/user.type.js';
import type { Row } from '../rows/row.js';
import { encodeCursor } from './arguments.js';
import type { Connection } from '../schema/connection.types.js';
import type { RequestContext } from './request-context.js';
import type { ChildPage } from '../db/row-source.js';

export const asProduct = (row: Row) => toGraphQLObject<Product>(row, productIdColumns);
export const asCategory = (row: Row) => toGraphQLObject<Category>(row, categoryIdColumns);
export const asUser = (row: Row) => toGraphQLObject<User>(row, userIdColumns);
export const asOrder = (row: Row) => toGraphQLObject<Order>(row, orderIdColumns);
export const asOrderItem = (row: Row) => toGraphQLObject<OrderItem>(row, orderItemIdColumns);
export const asCommission = (row: Row) => toGraphQLObject<Commission>(row, commissionIdColumns);

export async function loadOne<T>(
  context: RequestContext,
  entity: EntityDeclaration,
  id: string | null,
  convert: (row: Row) => T,
): Promise<T | null> {
  if (id === null) return null;
  const row = await context.loaders.row(entity, id);
  return row === null ? null : convert(row);
}

export async function loadList<T>(
  context: RequestContext,
  entity: EntityDeclaration,
  ids: readonly string[],
  convert: (row: Row) => T,
): Promise<T[]> {
  const rows = await context.loaders.rows(entity, ids);
  return rows.filter((row): row is Row => row !== null).map(convert);
}

/** A page of child ids → a connection; a row deleted between the id query and the load is left out. */
export async function connectionOf<T>(
  context: RequestContext,
  entity: EntityDeclaration,
  page: ChildPage,
  convert: (row: Row) => T,
): Promise<Connection<T>> {
  const rows = await context.loaders.rows(entity, page.ids);
  const edges = rows.flatMap((row, index) => (row === null ? [] : [{ cursor: encodeCursor(page.ids[index] ?? ''), node: convert(row) }]));
  const lastId = page.ids[page.ids.length - 1];
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: lastId === undefined ? null : encodeCursor(lastId) },
  };
}

import type { ClassType } from 'type-graphql';
import type { EntityModel } from '../../schema/entity-model.js';
import { connectionOf } from '../../schema/connection.types.js';
import type { LiveEntity } from '../live/entity-change-types.js';
import { changeSubscriptionOf } from '../live/entity-change-types.js';
import { entityChangedResolverOf } from '../live/entity-changed.resolver.js';
import { objectConverterOf } from './model-objects.js';
import { modelQueryResolversOf } from './model-queries.js';
import { relationResolverOf } from './model-relations.js';

/**
 * The whole GraphQL surface of a set of entity models (a generated schema): per entity its query
 * fields, its relations, `<entity>Changed(ids)` and `entityChanged(type, ids)` subscriptions. Nothing
 * is written per table. Call once per process: type-graphql's metadata is global.
 */
export function modelResolversOf(models: readonly EntityModel[]): ClassType[] {
  const byTable = new Map(models.map((model) => [model.entity.table, model]));
  const connections = new Map(
    models.map((model) => [model.entity.table, connectionOf(model.type as ClassType<object>, model.entity.name)]),
  );
  const targets = {
    modelOf(table: string): EntityModel {
      const model = byTable.get(table);
      if (model === undefined) throw new Error(`a relation names the table ${table}, which has no model in this schema`);
      return model;
    },
    connectionOf(table: string): ClassType {
      const connection = connections.get(table);
      if (connection === undefined) throw new Error(`a relation names the table ${table}, which has no model in this schema`);
      return connection;
    },
  };
  const lives: LiveEntity[] = models.map((model) => ({ entity: model.entity, type: model.type, convert: objectConverterOf(model) }));
  return [
    ...models.flatMap((model) => modelQueryResolversOf(model, targets.connectionOf(model.entity.table))),
    ...models.flatMap((model) => model.relations.map((relation) => relationResolverOf(model, relation, targets))),
    ...lives.map((live) => changeSubscriptionOf(live).resolver),
    entityChangedResolverOf(lives).resolver,
  ];
}

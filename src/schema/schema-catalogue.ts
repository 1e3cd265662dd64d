import { GatewayError } from '../errors.js';
import type { EntityDeclaration } from './entity.js';
import type { EntityModel } from './entity-model.js';
import type { EntityRegistry } from './entity-registry.js';
import { createEntityRegistry } from './entity-registry.js';
import { libraryModels } from './generated/library/index.js';
import { shopEntities } from './shop-entities.js';

/**
 * The schemas one gateway build can serve, chosen by GATEWAY_SCHEMA (or `npm start -- --schema`).
 * The shop has hand-written resolvers (search, analytics, earnings); a generated schema is served
 * by the generic surface over its models (src/resolvers/model). To serve your own database, add the
 * folder `npm run generate` wrote here.
 */
export interface ServedSchema {
  readonly name: string;
  readonly entities: readonly EntityDeclaration[];
  /** null: the shop, whose resolvers are its own. */
  readonly models: readonly EntityModel[] | null;
}

const servedSchemas: readonly ServedSchema[] = [
  { name: 'shop', entities: shopEntities, models: null },
  { name: 'library', entities: libraryModels.map((model) => model.entity), models: libraryModels },
];

export const servedSchemaNames = servedSchemas.map((schema) => schema.name);

export function servedSchemaOf(name: string): ServedSchema {
  const schema = servedSchemas.find((candidate) => candidate.name === name);
  if (schema === undefined) {
    throw new GatewayError(
      'CONFIG_INVALID',
      `GATEWAY_SCHEMA=${JSON.stringify(name)} is invalid: expected one of ${servedSchemaNames.join(', ')}`,
      {
        details: { variable: 'GATEWAY_SCHEMA' },
      },
    );
  }
  return schema;
}

export const createRegistryOf = (schema: ServedSchema): EntityRegistry => createEntityRegistry(schema.entities);

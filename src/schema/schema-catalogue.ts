import { errorMessage, GatewayError } from '../errors.js';
import type { EntityDeclaration } from './entity.js';
import { fieldNameOf } from './entity-fields.js';
import type { EntityModel } from './entity-model.js';
import type { EntityRegistry } from './entity-registry.js';
import { createEntityRegistry } from './entity-registry.js';
import { shopEntities } from './shop-entities.js';

/**
 * The schema one gateway process serves, chosen by GATEWAY_SCHEMA (or `npm start -- --schema`).
 * The shop has hand-written resolvers (search, analytics, earnings); any other name is a folder
 * `npm run generate` wrote, src/schema/generated/<name>, served by the generic surface over its
 * models (src/resolvers/model). Nothing needs registering: the folder is the schema.
 */
export interface ServedSchema {
  readonly name: string;
  readonly entities: readonly EntityDeclaration[];
  /** null: the shop, whose resolvers are its own. */
  readonly models: readonly EntityModel[] | null;
}

const shop: ServedSchema = { name: 'shop', entities: shopEntities, models: null };

const invalid = (name: string, why: string) =>
  new GatewayError('CONFIG_INVALID', `GATEWAY_SCHEMA=${JSON.stringify(name)} is invalid: ${why}`, {
    details: { variable: 'GATEWAY_SCHEMA' },
  });

export async function loadServedSchema(name: string): Promise<ServedSchema> {
  if (name === 'shop') return shop;
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw invalid(name, 'expected shop or the name of a folder in src/schema/generated');
  let module: Record<string, unknown>;
  try {
    module = (await import(`./generated/${name}/index.js`)) as Record<string, unknown>;
  } catch (error) {
    const missing =
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && errorMessage(error).includes(`generated/${name}/index.js`);
    if (missing) throw invalid(name, `there is no src/schema/generated/${name} (write it with npm run generate -- --from <MYSQL_URL>)`);
    throw error;
  }
  const models = module[`${fieldNameOf(name)}Models`];
  if (!Array.isArray(models) || models.length === 0) {
    throw invalid(name, `src/schema/generated/${name}/index.ts exports no ${fieldNameOf(name)}Models (regenerate it)`);
  }
  const typed = models as EntityModel[];
  return { name, entities: typed.map((model) => model.entity), models: typed };
}

export const createRegistryOf = (schema: ServedSchema): EntityRegistry => createEntityRegistry(schema.entities);

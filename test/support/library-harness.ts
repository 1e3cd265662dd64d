import type { GraphQLSchema } from 'graphql';
import type { Pool } from 'mysql2/promise';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';
import { isLibraryEmpty, loadLibraryDemo } from '../../src/demo/library-demo.js';
import { buildGatewaySchema } from '../../src/resolvers/build-schema.js';
import { createRegistryOf, loadServedSchema } from '../../src/schema/schema-catalogue.js';
import type { GatewayHarness } from './gateway-harness.js';
import { startHarness } from './gateway-harness.js';

/** The environment of a gateway serving the example library (GATEWAY_SCHEMA=library) on the local stack. */
export function libraryEnv(): Record<string, string> {
  const config = loadGatewayConfig(process.env);
  const inLibrary = (url: string) => {
    const parsed = new URL(url);
    parsed.pathname = '/library';
    return parsed.toString();
  };
  return {
    GATEWAY_SCHEMA: 'library',
    MYSQL_URL: inLibrary(config.mysql.url),
    MYSQL_WRITER_URL: inLibrary(config.mysql.writerUrl),
    CDC_TOPIC_PATTERN: '^library(\\.library\\.[a-z_]+)?$',
  };
}

let schema: Promise<GraphQLSchema> | undefined;

/** A harness (see gateway-harness.ts) serving the library schema: its registry, its generated GraphQL surface. */
export async function startLibraryHarness(env: Record<string, string> = {}): Promise<GatewayHarness> {
  const served = await loadServedSchema('library');
  schema ??= buildGatewaySchema(served);
  return startHarness({ env: { ...libraryEnv(), ...env }, registry: createRegistryOf(served), schema: await schema });
}

export function createLibraryWriter(): Pool {
  return createMysqlPool({ url: libraryEnv().MYSQL_WRITER_URL ?? '', poolSize: 4 });
}

/** The library's demo rows, loaded as `npm start -- --schema library` does when the tables are empty. */
export async function ensureLibraryDemo(): Promise<void> {
  const writer = createLibraryWriter();
  try {
    if (await isLibraryEmpty(writer)) await loadLibraryDemo(writer);
  } finally {
    await writer.end();
  }
}

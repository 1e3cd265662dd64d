import type { CacheAsideReader } from '../../src/cache/cache-aside.js';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import type { RowSource } from '../../src/db/row-source.js';
import { createLogger } from '../../src/observability/logger.js';
import { buildShopSchema } from '../../src/resolvers/build-schema.js';
import { createShopRegistry } from '../../src/schema/shop-entities.js';
import { startGatewayApi } from '../../src/server/gateway-api.js';
import type { GatewayServices } from '../../src/server/gateway-services.js';
import { createGatewayServices } from '../../src/server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../../src/server/startup-checks.js';
import { processUsage, runChild, serveParent } from '../child-channel.js';

/**
 * The gateway as `npm start` wires it (same services, schema, Apollo server and HTTP integration),
 * configured from the environment the bench hands it, in a process of its own.
 *   --no-cache      reads go to MySQL only (G2): the loaders' reader is a plain SELECT … IN
 *   --no-batching   per-request loaders do not batch (G4's comparison)
 *   --search        ensures the search indices of ELASTICSEARCH_INDEX_PREFIX (S1)
 * (F1's processes, API and consumer, are workers/f1-gateway.ts.)
 */
export interface GatewayServerReady {
  readonly url: string;
  readonly hasSearchProducts: boolean;
}

/** Reads every row from the database, like the cache-aside reader would with an empty, unusable cache. */
function databaseOnlyReader(rows: RowSource): CacheAsideReader {
  return {
    async loadMany(entity, ids) {
      const found = await rows.selectByIds(entity, ids);
      return ids.map((id) => found.get(id) ?? null);
    },
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'bench-gateway' });
  const services = createGatewayServices(config, logger, createShopRegistry());
  await checkDependencies(config, services);
  if (argv.includes('--search')) await ensureSearchIndices(services);
  const served: GatewayServices = argv.includes('--no-cache') ? { ...services, reader: databaseOnlyReader(services.rows) } : services;
  const schema = await buildShopSchema();
  const api = await startGatewayApi(schema, served, { host: '127.0.0.1', port: 0, batching: !argv.includes('--no-batching') });
  const ready: GatewayServerReady = { url: api.url, hasSearchProducts: schema.getQueryType()?.getFields()['searchProducts'] !== undefined };
  serveParent(
    ready,
    {
      usage: () => ({ ...processUsage(), counters: services.metrics.snapshot() }),
      /** Monotonic µs, the clock V8's CPU profiles are stamped with: P1 cuts its profile to the measured load. */
      clock: () => Number(process.hrtime.bigint() / 1000n),
      gc: () => {
        (globalThis as { gc?: () => void }).gc?.();
        return processUsage();
      },
    },
    async () => {
      await api.stop();
      await services.close();
    },
  );
}

runChild(() => main(process.argv.slice(2)));

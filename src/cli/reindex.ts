import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import { createRegistryOf, loadServedSchema } from '../schema/schema-catalogue.js';
import { createGatewayServices } from '../server/gateway-services.js';
import { checkDependencies, ensureSearchIndices } from '../server/startup-checks.js';
import { reindexDependencies, searchableEntities } from '../reindex/backfill.js';
import type { SearchableEntity } from '../schema/entity.js';
import { indexBehind } from '../index/aliases.js';
import { detectAnalysisLevel, indexFingerprint, mappingFingerprint, searchAlias } from '../index/index-manager.js';
import { createProgressRenderer, formatDuration } from '../reindex/progress-meter.js';
import type { ReindexDependencies } from '../reindex/reindex-run.js';
import { abortReindex, reindexEntity } from '../reindex/reindexer.js';

const usage = `Usage: npm run reindex [-- [entity...] [options]]

Rebuilds the Elasticsearch index of each named entity (all searchable ones when none is named:
products, categories, orders, order-items, commissions; GATEWAY_SCHEMA picks another schema's) from MySQL, while searches keep answering
and the CDC consumer keeps writing: a new index is filled in primary-key order, compared with the
table's row count and swapped in behind the alias atomically; then the old index is dropped.
A reindex that crashed is resumed where it stopped (after its 60 s lease expired).

  --restart                     discard an unfinished reindex and start over
  --abort                       discard an unfinished reindex and stop (the live index is untouched)
  --if-changed                  only entities whose index mapping differs from the code's
  --chunk-size N                rows per page and bulk request (default 1000)
  --allow-count-difference N    swap even if live documents and rows differ by up to N
  --help                        this text
Entities can be named by index (order-items), table (order_items) or type (OrderItem).`;

interface Arguments {
  readonly names: string[];
  readonly restart: boolean;
  readonly abort: boolean;
  readonly ifChanged: boolean;
  readonly chunkSize: number;
  readonly allowedCountDifference: number;
}

function parseArguments(argv: readonly string[]): Arguments {
  const names: string[] = [];
  const numbers = new Map<string, number>();
  for (let position = 0; position < argv.length; position += 1) {
    const arg = argv[position] as string;
    if (arg === '--chunk-size' || arg === '--allow-count-difference') {
      const value = Number(argv[position + 1]);
      if (!Number.isInteger(value) || value < (arg === '--chunk-size' ? 1 : 0))
        throw new Error(`${arg} needs a whole number, got ${JSON.stringify(argv[position + 1] ?? '')}`);
      numbers.set(arg, value);
      position += 1;
    } else if (!arg.startsWith('--')) names.push(arg);
    else if (!['--restart', '--abort', '--if-changed'].includes(arg)) throw new Error(`unknown option ${arg}\n\n${usage}`);
  }
  return {
    names,
    restart: argv.includes('--restart'),
    abort: argv.includes('--abort'),
    ifChanged: argv.includes('--if-changed'),
    chunkSize: numbers.get('--chunk-size') ?? 1000,
    allowedCountDifference: numbers.get('--allow-count-difference') ?? 0,
  };
}

function pickEntities(registry: EntityRegistry, names: readonly string[]): SearchableEntity[] {
  const all = searchableEntities(registry);
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((entity) => [entity.search.index, entity.table, entity.name].includes(name));
    if (found === undefined)
      throw new Error(`${name} is not a searchable entity; choose among ${all.map((entity) => entity.search.index).join(', ')}`);
    return found;
  });
}

async function mappingChanged(deps: ReindexDependencies, entity: SearchableEntity): Promise<boolean> {
  const index = await indexBehind(deps.client, searchAlias(deps.indexPrefix, entity.search));
  return (await indexFingerprint(deps.client, index)) !== mappingFingerprint(entity.search, await detectAnalysisLevel(deps.client));
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const args = parseArguments(argv);
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'gateway-reindex' });
  const services = createGatewayServices(config, logger, createRegistryOf(await loadServedSchema(config.schema)));
  // Ctrl-C stops at the next page boundary and releases the lease, so a rerun resumes at once.
  let interrupted = false;
  process.on('SIGINT', () => (interrupted = true));
  process.on('SIGTERM', () => (interrupted = true));
  try {
    await checkDependencies(config, services);
    await ensureSearchIndices(services);
    const deps = reindexDependencies(services);
    for (const entity of pickEntities(services.registry, args.names)) {
      const name = entity.search.index;
      if (args.abort) {
        console.error(
          (await abortReindex(deps, entity, { force: true })) ? `${name}: unfinished reindex discarded` : `${name}: no unfinished reindex`,
        );
        continue;
      }
      if (args.ifChanged && !(await mappingChanged(deps, entity))) {
        console.error(`${name}: mapping unchanged, skipped`);
        continue;
      }
      const progress = createProgressRenderer(process.stderr, name.padEnd(12));
      const report = await reindexEntity(deps, entity, {
        chunkSize: args.chunkSize,
        restart: args.restart,
        allowedCountDifference: args.allowedCountDifference,
        onProgress: (step) => (step.copyDone ? progress.finish(step.done, step.done) : progress.update(step.done, step.total)),
        afterPage: () => (interrupted ? Promise.reject(new Error('interrupted; run the same command again to resume')) : Promise.resolve()),
      });
      console.error(
        `${name}: ${report.previous} → ${report.index}${report.resumed ? ' (resumed)' : ''}, ${report.copy.written} written, ${report.copy.superseded} already newer, ` +
          `${report.copy.rejected} rejected; ${report.liveDocuments} live documents for ${report.databaseRows} rows; ${formatDuration(report.durationMs)}`,
      );
    }
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`reindex failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);

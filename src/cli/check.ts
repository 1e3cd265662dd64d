import { parseArgs } from 'node:util';
import { problemsIn, runConsistencyCheck } from '../check/consistency-check.js';
import type { EntityReport, StoreReport } from '../check/consistency-check.js';
import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { createRegistryOf, loadServedSchema } from '../schema/schema-catalogue.js';
import { createGatewayServices } from '../server/gateway-services.js';
import { checkDependencies } from '../server/startup-checks.js';
import { waitForGroupCaughtUp } from '../sync/consumer-lag.js';

const usage = `Usage: npm run check -- [--repair] [--tables products,users] [--rate 5000] [--batch 500] [--no-wait]

Compares every Redis entry and Elasticsearch document of each entity with MySQL, after waiting for
the CDC consumer (KAFKA_GROUP_ID) to catch up, and reports stale, missing, extra and resurrected
entries per entity. Exits 1 when a problem remains. Safe in production: MySQL is read in
primary-key ranges at most --rate rows per second. The entities are GATEWAY_SCHEMA's (default shop;
e.g. GATEWAY_SCHEMA=library npm run check).

  --repair          fix what it finds (cache entries are invalidated, documents rewritten from MySQL)
  --tables          only these tables
  --rate N          rows per second at most (default 5000)
  --batch N         rows per range read (default 500)
  --no-wait         do not wait for the consumer to catch up first
  --wait-timeout S  how long to wait for it (default 120)`;

const cell = (store: StoreReport | null) =>
  store === null
    ? '-'
    : `${store.stale}/${store.missing}/${store.extra}/${store.resurrected}${store.repaired > 0 ? ` (repaired ${store.repaired})` : ''}`;

function printReport(reports: readonly EntityReport[]): void {
  console.log(
    `${'ENTITY'.padEnd(14)}${'ROWS'.padStart(9)}  ${'REDIS stale/missing/extra/resurrected'.padEnd(40)}ELASTICSEARCH stale/missing/extra/resurrected`,
  );
  for (const report of reports) {
    console.log(
      `${report.table.padEnd(14)}${String(report.rows).padStart(9)}  ${cell(report.redis).padEnd(40)}${cell(report.elasticsearch)}`,
    );
    for (const example of [
      ...report.redis.examples.map((e) => `redis ${e}`),
      ...(report.elasticsearch?.examples ?? []).map((e) => `elasticsearch ${e}`),
    ]) {
      console.log(`    ${example}`);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repair: { type: 'boolean', default: false },
      tables: { type: 'string', default: '' },
      rate: { type: 'string', default: '5000' },
      batch: { type: 'string', default: '500' },
      'no-wait': { type: 'boolean', default: false },
      'wait-timeout': { type: 'string', default: '120' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const numberOption = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return value;
  };
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ level: 'warn', name: 'gateway-check' });
  const services = createGatewayServices(config, logger, createRegistryOf(await loadServedSchema(config.schema)));
  const admin = services.kafka().admin();
  try {
    await checkDependencies(config, services);
    await admin.connect();
    const waitTimeoutMs = numberOption('wait-timeout', values['wait-timeout']) * 1000;
    const reports = await runConsistencyCheck(
      {
        registry: services.registry,
        rows: services.rows,
        cache: services.cache,
        redis: services.redis,
        search: services.search,
        keyPrefix: config.redis.keyPrefix,
        indexPrefix: config.elasticsearch.indexPrefix,
        waitForConsumer: values['no-wait']
          ? () => Promise.resolve()
          : () => waitForGroupCaughtUp(admin, config.kafka.groupId, new RegExp(config.kafka.topicPattern), waitTimeoutMs),
      },
      {
        tables: values.tables === '' ? [] : values.tables.split(','),
        batchSize: numberOption('batch', values.batch),
        maxRowsPerSecond: numberOption('rate', values.rate),
        repair: values.repair,
      },
    );
    printReport(reports);
    const problems = reports.reduce((sum, report) => sum + problemsIn(report), 0);
    const repaired = reports.reduce((sum, report) => sum + report.redis.repaired + (report.elasticsearch?.repaired ?? 0), 0);
    console.log(problems === 0 ? 'no problems found' : `${problems} problem(s) found${values.repair ? `, ${repaired} repaired` : ''}`);
    return problems === 0 || (values.repair && repaired >= problems) ? 0 : 1;
  } finally {
    await admin.disconnect();
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check failed: ${errorMessage(error)}`);
    process.exit(2);
  },
);

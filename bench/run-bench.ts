import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bringUpLocalStack, usesLocalStack } from '../src/cli/local-stack.js';
import { loadGatewayConfig } from '../src/config/gateway-config.js';
import { loadStackConfig } from '../src/config/stack-config.js';
import { createMysqlPool } from '../src/db/mysql-pool.js';
import { errorMessage } from '../src/errors.js';
import { silentLogger } from '../src/observability/logger.js';
import { repoRoot } from '../src/repo-root.js';
import { createElasticsearchClient } from '../src/index/elasticsearch-client.js';
import { createKafka } from '../src/sync/kafka-client.js';
import type { BenchContext } from './bench-context.js';
import { createBenchContext } from './bench-context.js';
import type { BenchDatabase } from './bench-database.js';
import { onServer, prepareBenchDatabase } from './bench-database.js';
import { benchUsage, parseBenchOptions } from './bench-options.js';
import type { BenchReport } from './bench-report.js';
import { startLoadGenerator } from './cases/bench-servers.js';
import { parseC1Flags, runCdcApplyCase } from './cases/cdc-apply.js';
import { parseFreshnessFlags, runFreshnessCase } from './cases/freshness.js';
import { parseSustainedFlags, runSustainedRateCase } from './cases/sustained-rate.js';
import { runProfileCase } from './cases/profile-case.js';
import { runReadPathCases } from './cases/read-path-cases.js';
import { runSearchCase } from './cases/search-case.js';
import { loadAverage, machineInfo, serviceVersions } from './machine-info.js';
import { connectRedis, deleteKeysWithPrefix } from './redis-keys.js';
import { deleteIndicesWithPrefix } from './search-indices.js';
import { renderMarkdown } from './report/report-markdown.js';
import { evaluateTargets } from './report/targets.js';

/**
 * `<dir>/<YYYY-MM-DD>`, or `<YYYY-MM-DD>-<n>` numbered after the day's last report, so the numbers
 * keep the order the reports were written in even when an earlier one was deleted.
 */
function outputStem(directory: string, startedAt: Date): string {
  const day = startedAt.toISOString().slice(0, 10);
  const taken = existsSync(directory) ? readdirSync(directory) : [];
  if (!taken.some((name) => name === `${day}.md` || name === `${day}.json`)) return join(directory, day);
  const numbers = taken.flatMap((name) => {
    const match = new RegExp(`^${day}-(\\d+)\\.(?:md|json)$`).exec(name);
    return match === null ? [] : [Number(match[1])];
  });
  return join(directory, `${day}-${Math.max(1, ...numbers) + 1}`);
}

/** Runs one phase; a failure is recorded in the report and the run goes on with the next phase. */
async function phase<T>(
  context: BenchContext,
  name: string,
  errors: { phase: string; message: string }[],
  body: () => Promise<T>,
): Promise<T | null> {
  const began = performance.now();
  context.log(`— ${name}`);
  try {
    const result = await body();
    context.log(`  (${name}: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    errors.push({ phase: name, message });
    context.log(`  ${name} failed: ${message}`);
    return null;
  }
}

/** Deletes whatever this run left in the shared services under its own names. */
async function removeRunArtefacts(context: BenchContext, database: BenchDatabase | null): Promise<void> {
  const { config, names } = context;
  const redis = await connectRedis(config.redis.url);
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 30_000 });
  const admin = createKafka(config.kafka, silentLogger).admin();
  try {
    await deleteKeysWithPrefix(redis, names.redisPrefix);
    await deleteIndicesWithPrefix(search, names.indexPrefix);
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(names.groupPrefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    if (!context.options.keepData && database !== null)
      await onServer(config.mysql.writerUrl, `DROP DATABASE IF EXISTS \`${database.name}\``);
  } finally {
    redis.disconnect();
    await search.close();
    await admin.disconnect();
  }
}

/** `npm run bench`: every case beside its baseline, then the report. Resolves with the exit code. */
export async function runBench(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parseBenchOptions(argv);
  if (options.help) {
    console.log(benchUsage);
    return 0;
  }
  const startedAt = new Date();
  const log = (line: string) => console.error(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const root = repoRoot();
  const config = loadGatewayConfig(env);
  if (config.autoStartLocalStack && usesLocalStack(config, env)) await bringUpLocalStack(env, log);
  const context = createBenchContext(options, config, env, log);
  const errors: { phase: string; message: string }[] = [];
  const directory = options.outputDirectory ?? join(root, 'bench', 'results');
  await mkdir(directory, { recursive: true });
  const stem = outputStem(directory, startedAt);
  let database: BenchDatabase | null = null;
  const stackConfig = loadStackConfig(env, root);
  const pool = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 1 });
  const redis = await connectRedis(config.redis.url);
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 10_000 });
  const versions = await serviceVersions(
    root,
    { pool, redis, search },
    { kafka: stackConfig.versions.kafka, debezium: stackConfig.versions.debezium },
  ).finally(async () => {
    redis.disconnect();
    await Promise.all([pool.end(), search.close()]);
  });
  const machine = machineInfo();
  log(`run ${context.runId}: ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}; report → ${stem}.md`);
  const cases = options.cases;
  const wants = (...ids: string[]) => ids.some((id) => cases.has(id as never));
  try {
    database = await prepareBenchDatabase({
      name: context.names.database,
      readerUrl: config.mysql.url,
      writerUrl: config.mysql.writerUrl,
      size: options.size,
      log,
    });
    const bench = database;
    const load = await startLoadGenerator(context);
    const readPath = wants('B0', 'B1', 'G1', 'G2', 'G3', 'G4', 'M1')
      ? await phase(context, 'read path (B0 B1 G1 G2 M1 G3 G4)', errors, () => runReadPathCases(context, bench, load))
      : null;
    const profile = wants('P1')
      ? await phase(context, 'CPU profile under G1 load (P1)', errors, () => runProfileCase(context, bench, load, stem))
      : null;
    const searchResults = wants('S1') ? await phase(context, 'search (S1)', errors, () => runSearchCase(context, bench, load)) : null;
    await load.stop();
    const cdc = wants('C1')
      ? await phase(context, 'CDC apply rate (C1)', errors, () => runCdcApplyCase(context, bench, parseC1Flags(argv, stem)))
      : null;
    const freshness = wants('F1')
      ? await phase(context, 'freshness (F1)', errors, () => runFreshnessCase(context, parseFreshnessFlags(argv, stem)))
      : null;
    const sustained = wants('F3')
      ? await phase(context, 'sustained rate (F3)', errors, () =>
          runSustainedRateCase(context, parseFreshnessFlags(argv, stem), parseSustainedFlags(argv)),
        )
      : null;
    const finishedAt = new Date();
    const partial: Omit<BenchReport, 'targets'> = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      options: { ...options, cases: [...options.cases] },
      machine,
      loadAverageAtEnd: loadAverage(),
      versions,
      database: { name: bench.name, size: bench.size, seeded: bench.seeded, seedSeconds: bench.seedSeconds },
      readPath,
      search: searchResults,
      cdc,
      freshness,
      sustained,
      profile,
      errors: errors.map(({ phase: name, message }) => ({ phase: name, message: message.split('\n')[0] ?? message })),
    };
    const report: BenchReport = { ...partial, targets: evaluateTargets(partial) };
    const logPath = join(root, 'bench', 'optimizations.md');
    const optimizationLog = existsSync(logPath) ? await readFile(logPath, 'utf8') : null;
    await writeFile(
      `${stem}.json`,
      `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`,
    );
    await writeFile(`${stem}.md`, renderMarkdown(report, optimizationLog));
    log(`report written: ${stem}.md and ${stem}.json (${Math.round(report.durationSeconds)} s)`);
    for (const target of report.targets)
      log(
        `  ${target.id.padEnd(11)} ${String(target.figure ?? '–').padEnd(28)} target ${target.target}: ${target.met === null ? 'not measured' : target.met ? 'met' : 'MISSED'}`,
      );
    return errors.length === 0 ? 0 : 1;
  } finally {
    await context.cleanup();
    await removeRunArtefacts(context, database).catch((error: unknown) => log(`clean-up failed: ${errorMessage(error)}`));
  }
}

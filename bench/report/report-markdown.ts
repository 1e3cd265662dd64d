import { basename } from 'node:path';
import type { BenchReport } from '../bench-report.js';
import type { CaseResult } from '../cases/http-rounds.js';
import { profileTables } from './profile-tables.js';
import { freshnessSection } from './freshness-markdown.js';
import { sustainedSection } from './sustained-markdown.js';

const MiB = 2 ** 20;
const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const thousands = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : Math.round(value).toLocaleString('en-US');
const name = (path: string | null) => (path === null ? '–' : basename(path));
const mark = (met: boolean | null) => (met === null ? '– not measured' : met ? '✅ met' : '❌ missed');

function caseRows(results: readonly CaseResult[], baseline?: string): string[] {
  const base = baseline === undefined ? undefined : results.find((result) => result.id === baseline)?.median.requestsPerSecond;
  return results.map((result) => {
    const rounds = result.rounds.map((round) => thousands(round.load.requestsPerSecond)).join(' / ');
    const relative = base === undefined ? '' : ` | ${fixed(result.median.requestsPerSecond / base, 2)}`;
    const failures =
      result.failures === 0
        ? '0'
        : `${result.failures}${result.sampleFailure === null ? '' : ` (e.g. \`${result.sampleFailure.slice(0, 120).replaceAll('|', '\\|').replaceAll('`', "'")}\`)`}`;
    return `| ${result.id} | ${result.label} | ${thousands(result.median.requestsPerSecond)} | ${fixed(result.median.p50Ms, 2)} | ${fixed(result.median.p99Ms, 2)} | ${fixed(result.median.cpuMsPerRequest, 3)} | ${fixed(result.median.generatorCpuMsPerRequest, 3)}${relative} | ${rounds} | ${failures} |`;
  });
}

function caseTable(results: readonly CaseResult[], baseline?: string): string[] {
  const relative = baseline === undefined ? '' : ` ÷ ${baseline} |`;
  const rule = baseline === undefined ? '' : ' --- |';
  return [
    `| case | what | req/s (median) | p50 ms | p99 ms | server CPU ms/req | load-generator CPU ms/req |${relative} req/s per round | failures |`,
    `| --- | --- | --- | --- | --- | --- | --- |${rule} --- | --- |`,
    ...caseRows(results, baseline),
  ];
}

/** The Markdown report: targets first, then each case's table, the profile, and the hand-kept optimization log. */
export function renderMarkdown(report: BenchReport, optimizationLog: string | null): string {
  const lines: string[] = [];
  const { options } = report;
  lines.push(`# Benchmarks — ${report.startedAt.slice(0, 10)}`, '');
  lines.push(
    `\`${report.command}\` · ${report.startedAt} → ${report.finishedAt} (${Math.round(report.durationSeconds)} s) · ${options.rounds} round(s) per case, ` +
      `${options.durationSeconds} s each after ${options.warmupSeconds} s warm-up, ${options.connections} connections, load from a separate autocannon process; ` +
      `figures are medians of the rounds (req/s, p50, p99, CPU each taken separately). Server CPU ms/req is the measured server process's CPU time (all threads) per request sent; ` +
      'the load generator shares the same cores, so its own CPU per request is shown too. Gateways run with the product defaults except RATE_LIMIT_REQUESTS=0 (the per-client limit would answer 429 within a second) and NODE_ENV=production.',
    '',
  );
  lines.push('## Machine and versions', '');
  const m = report.machine;
  lines.push(
    `${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM (${m.freeMemoryGiB} free at start), ${m.os}, Node ${m.node}, load average ${m.loadAverageAtStart.join(' ')} at start and ${report.loadAverageAtEnd.join(' ')} at the end (1/5/15 min; ` +
      `above 2 means other work competed for the two cores). The whole stack (MariaDB, Redis, Kafka, Kafka Connect, Elasticsearch) runs on the same machine; compare ratios, not absolutes.`,
    '',
  );
  lines.push(
    '| component | version |',
    '| --- | --- |',
    ...Object.entries(report.versions).map(([name, version]) => `| ${name} | ${version} |`),
    '',
  );
  lines.push(
    `Data: database \`${report.database.name}\` with ${report.database.size.toLocaleString('en-US')} products (deterministic generator, ${report.database.seeded ? `seeded in ${report.database.seedSeconds.toFixed(1)} s` : 'reused from an earlier run'}).`,
    '',
  );

  lines.push('## Targets', '', '| | what | measured | target | |', '| --- | --- | --- | --- | --- |');
  for (const target of report.targets)
    lines.push(`| ${target.id} | ${target.what} | ${target.figure ?? '–'} | ${target.target} | ${mark(target.met)} |`);
  lines.push('');
  if (report.errors.length > 0) {
    lines.push('## Phases that failed', '');
    for (const error of report.errors) lines.push(`- **${error.phase}**: ${error.message.split('\n')[0] ?? ''}`);
    lines.push('');
  }

  const read = report.readPath;
  if (read !== null) {
    if (read.throughput.length > 0) {
      lines.push('## B0, B1, G1, G2 — throughput and latency of one product read', '', ...caseTable(read.throughput, 'B1'), '');
    }
    if (read.memory !== null) {
      const memory = read.memory;
      lines.push(
        '## M1 — gateway memory',
        '',
        `RSS after start ${fixed(memory.afterStartRssBytes / MiB, 0)} MB; idle with the cache warm ${fixed(memory.idleRssBytes / MiB, 0)} MB; ` +
          `peak under G1 load ${memory.underLoadPeakRssBytes === null ? '–' : fixed(memory.underLoadPeakRssBytes / MiB, 0)} MB (sampled every 250 ms).`,
        '',
      );
    }
    if (read.lists.length > 0) {
      lines.push('## G3 — products(ids:) with 100 ids, hits vs misses', '', ...caseTable(read.lists), '');
      for (const result of read.lists) {
        const hits = result.perRequest['cache_hits'] ?? 0;
        const misses = result.perRequest['cache_misses'] ?? 0;
        lines.push(
          `- ${result.id}: per request ${fixed(hits, 1)} cache hits, ${fixed(misses, 1)} misses, ${fixed(result.perRequest['sql_queries'] ?? 0, 2)} SQL statements.`,
        );
      }
      lines.push('');
    }
    if (read.nested !== null) {
      const { statements, load } = read.nested;
      lines.push('## G4 — nested query user → orders → items → product (cache off, so every lookup is SQL)', '');
      lines.push('| orders per user (`first`) | statements per request, batched | without batching |', '| --- | --- | --- |');
      for (const length of Object.keys(statements.batched))
        lines.push(`| ${length} | ${statements.batched[length] ?? '–'} | ${statements.unbatched[length] ?? '–'} |`);
      lines.push('', ...caseTable(load), '');
      for (const result of load)
        lines.push(`- ${result.id}: ${fixed(result.perRequest['sql_queries'] ?? 0, 1)} SQL statements per request under load.`);
      lines.push('');
    }
  }

  const search = report.search;
  if (search !== null) {
    lines.push(
      `## S1 — search at ${report.database.size.toLocaleString('en-US')} products (${report.options.searchConnections} concurrent searches)`,
      '',
    );
    lines.push(
      `Index \`${search.index.alias}\`: ${search.index.documents.toLocaleString('en-US')} live documents written by the gateway's search applier (${search.index.filled ? `indexed in ${search.index.fillSeconds.toFixed(1)} s` : 'reused'}).`,
      '',
    );
    if (search.note !== null)
      lines.push(`**${search.note}.** The floor below is what Elasticsearch itself answers for the same search.`, '');
    if (search.operation !== null) lines.push(`Operation: \`${search.operation}\``, '');
    lines.push(
      ...caseTable(
        [search.gateway, search.elasticsearchShare, search.elasticsearch].filter((result): result is CaseResult => result !== null),
      ),
      '',
    );
  }

  const cdc = report.cdc;
  if (cdc !== null) {
    lines.push(
      `## C1 — CDC apply rate into Redis and Elasticsearch (${cdc.topic.messages.toLocaleString('en-US')} Debezium changes pre-filled in \`${cdc.topic.topic}\`)`,
      '',
    );
    lines.push('| consumer | changes/s (median) | CPU ms/change | per round |', '| --- | --- | --- | --- |');
    for (const variant of cdc.variants) {
      const rounds = variant.rounds
        .map(
          (round) => `${thousands(round.messagesPerSecond)} (${round.messages.toLocaleString('en-US')} in ${round.seconds.toFixed(1)} s)`,
        )
        .join(' / ');
      lines.push(
        `| ${variant.label} | ${thousands(variant.medianMessagesPerSecond)} | ${fixed(variant.medianCpuMsPerMessage, 3)} | ${rounds} |`,
      );
    }
    const raw = cdc.rawBulk;
    lines.push(
      `| raw \`_bulk\` of the same final documents (one per change, no versions or guards, ${raw.batchSize} per request, one sender per partition; decoding and building untimed) | ${thousands(raw.medianDocumentsPerSecond)} | — | ${raw.rounds.map((round) => `${thousands(round.documentsPerSecond)} (${round.documents.toLocaleString('en-US')} in ${round.seconds.toFixed(1)} s)`).join(' / ')} |`,
    );
    lines.push(
      '',
      `Against the physical limit: the documents lane alone is ${fixed(cdc.ratioToRawBulk, 2)}× the raw \`_bulk\` (target ≥ 0.7); the whole gateway (Redis, documents and embeds lanes) ${fixed(cdc.ratioToRawBulkWithEmbeds, 2)}×.`,
    );
    lines.push(
      '',
      `Ratio: ${fixed(cdc.ratioToLogstashLike, 2)}× the Logstash-like baseline, ${fixed(cdc.ratioToPerMessage, 1)}× per-message apply; on Avro input (\`${cdc.avroTopic?.topic ?? '-'}\`) the gateway runs at ${fixed(cdc.avroToJson ?? Number.NaN, 2)}× its JSON rate. Rates count source messages from the first apply to the last acknowledged chunk, over a fixed window per consumer (gateway ${report.options.cdcSeconds} s, baselines ${report.options.baselineSeconds} s, per-message half that).`,
      '',
    );
  }

  if (cdc?.profile !== undefined && cdc.profile !== null)
    lines.push(...profileTables(cdc.profile.summary, `C1's \`${cdc.profile.variant}\` consumer, its first round`));
  if (report.freshness !== null) lines.push(...freshnessSection(report.freshness));
  if (report.sustained !== null) lines.push(...sustainedSection(report.sustained));

  const profile = report.profile;
  if (profile !== null) {
    lines.push('## P1 — CPU profile of the gateway under G1 load', '');
    lines.push(
      `\`node --cpu-prof\`, ${fixed(profile.durationMs / 1000, 1)} s of ${profile.window}, ${thousands(profile.requestsPerSecond)} req/s while profiled, idle ${fixed(profile.idlePercent, 1)}%. ` +
        `Flame graph: \`${name(profile.flameGraph)}\`; folded stacks (flamegraph.pl, speedscope): \`${name(profile.foldedStacks)}\`; raw profile (Chrome DevTools, not committed): \`${name(profile.file)}\`, next to this report.`,
      '',
      'Where the busy time goes, callees included (a frame of the subsystem anywhere on the stack; shares overlap):',
      '',
      '| subsystem | inclusive % of busy |',
      '| --- | --- |',
      ...profile.subsystems.map((entry) => `| ${entry.subsystem} | ${fixed(entry.inclusivePercent, 1)} |`),
      '',
      'Self time by component and by function:',
      '',
      '| component | self ms | % of busy |',
      '| --- | --- | --- |',
      ...profile.components
        .slice(0, 15)
        .map((entry) => `| ${entry.component} | ${fixed(entry.selfMs, 0)} | ${fixed(entry.selfPercent, 1)} |`),
      '',
      '| function | where | component | self ms | % of busy |',
      '| --- | --- | --- | --- | --- |',
      ...profile.topFunctions.map(
        (entry) =>
          `| \`${entry.name}\` | ${entry.location} | ${entry.component} | ${fixed(entry.selfMs, 0)} | ${fixed(entry.selfPercent, 1)} |`,
      ),
      '',
    );
  }
  if (optimizationLog !== null) lines.push(optimizationLog.trim(), '');
  return `${lines.join('\n')}\n`;
}

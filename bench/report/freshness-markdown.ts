import type { FreshnessResults } from '../cases/freshness.js';
import type { LatencyFigures } from '../cases/freshness-probes.js';
import { profileTables } from './profile-tables.js';
import { fixed } from './format.js';

const figures = (latency: LatencyFigures | null) => (latency === null ? '– | –' : `${fixed(latency.p50Ms)} | ${fixed(latency.p99Ms)}`);

/** F1's section: the headline figures, each sample's way through the stages, the processes, the consumer's profile. */
export function freshnessSection(fresh: FreshnessResults): string[] {
  const topology =
    fresh.topology === undefined
      ? ''
      : fresh.topology === 'split'
        ? 'Topology: the consumer in its own process (`--sync-only`) beside the API process (`--api-only`), the layout the README recommends for production; both share Redis. '
        : 'Topology: API and consumer in one process (`npm start` without flags). ';
  const probes =
    fresh.stages === undefined
      ? '(GraphQL polled every 10 ms for 500 ms, then every 50 ms; search, for every other sample, every 20 ms for 2 s; Kafka arrivals stamped by a watcher process). '
      : `(one GraphQL \`products(ids:)\` request every 10 ms for all samples still awaited, one search every 20 ms likewise, so the probes cost the gateway ≤ 100 requests/s however far behind it is; ${fresh.failedPolls ?? 0} polls failed; Kafka arrivals stamped by a watcher process). `;
  const lines = [
    '## F1 — freshness through the real pipeline (MariaDB → Debezium → Kafka → gateway consumer)',
    '',
    `${fresh.commits.toLocaleString('en-US')} autocommit UPDATEs from a writer process at ${fixed(fresh.commitsPerSecond)} commits/s; ${fresh.samples} sampled commits probed ` +
      probes +
      topology +
      'Times run from the moment the commit returned to the writer. ' +
      `Elasticsearch refresh interval ${fresh.refreshIntervalMs} ms.`,
    '',
    '| commit → | p50 ms | p99 ms | max ms | not seen within 15 s |',
    '| --- | --- | --- | --- | --- |',
    `| in Kafka (Debezium's share) | ${fixed(fresh.kafka.p50Ms)} | ${fixed(fresh.kafka.p99Ms)} | ${fixed(fresh.kafka.maxMs)} | ${fresh.kafka.timedOut} |`,
    `| visible through GraphQL | ${fixed(fresh.graphql.p50Ms)} | ${fixed(fresh.graphql.p99Ms)} | ${fixed(fresh.graphql.maxMs)} | ${fresh.graphql.timedOut} |`,
    `| searchable in Elasticsearch | ${fixed(fresh.search.p50Ms)} | ${fixed(fresh.search.p99Ms)} | ${fixed(fresh.search.maxMs)} | ${fresh.search.timedOut} |`,
    '',
  ];
  if (fresh.gatewayGraphql !== undefined && fresh.gatewaySearch !== undefined) {
    lines.push(
      "The gateway's own share, from the change's Kafka append (the record's timestamp) to visible:",
      '',
      '| Kafka append → | p50 ms | p99 ms | max ms | not seen within 15 s |',
      '| --- | --- | --- | --- | --- |',
      `| visible through GraphQL | ${fixed(fresh.gatewayGraphql.p50Ms)} | ${fixed(fresh.gatewayGraphql.p99Ms)} | ${fixed(fresh.gatewayGraphql.maxMs)} | ${fresh.gatewayGraphql.timedOut} |`,
      `| searchable in Elasticsearch | ${fixed(fresh.gatewaySearch.p50Ms)} | ${fixed(fresh.gatewaySearch.p99Ms)} | ${fixed(fresh.gatewaySearch.maxMs)} | ${fresh.gatewaySearch.timedOut} |`,
      '',
    );
  }
  if (fresh.elasticsearch !== undefined) {
    const es = fresh.elasticsearch;
    lines.push(
      `The product index over the writer's ${fixed(es.seconds)} s (index stats, primaries): ${es.externalRefreshes} scheduled refreshes ` +
        `(one per ${fixed(es.externalRefreshes === 0 ? NaN : (es.seconds * 1000) / es.externalRefreshes)} ms, ${fixed(es.externalRefreshMeanMs, 1)} ms each), ` +
        `${es.refreshes} refreshes in all (${fixed(es.refreshMeanMs, 1)} ms each), ${es.indexed.toLocaleString('en-US')} documents indexed ` +
        `(${fixed(es.indexMeanMs, 2)} ms each), ${es.merges} merges (${es.mergeMs.toLocaleString('en-US')} ms), ${es.segments} segments at the end.`,
      '',
    );
  }
  if (fresh.machineCpu !== undefined) {
    const cpu = fresh.machineCpu;
    lines.push(
      `Where the cores went over the writer's window (/proc, every process by role; the machine was ${fixed(cpu.busyPercent)}% busy across all cores):`,
      '',
      '| process | CPU % of one core |',
      '| --- | --- |',
      ...cpu.roles.map((entry) => `| ${entry.role} | ${fixed(entry.percentOfCore)} |`),
      '',
    );
  }
  if (fresh.stages !== undefined) {
    lines.push(
      "Each sample through the stages (epoch-ms stamps on one machine: the writer, the Kafka record timestamp, the watcher, the consumer's trace hooks, the probes). " +
        'The Redis and Elasticsearch lanes run side by side after "prepared"; "step" is from the stage named in brackets.',
      '',
      '| stage | commit → p50 ms | commit → p99 ms | step p50 ms | step p99 ms | not seen |',
      '| --- | --- | --- | --- | --- | --- |',
      ...fresh.stages.map(
        (stage) => `| ${stage.stage} | ${figures(stage.fromCommit)} | ${figures(stage.fromPrevious)} | ${stage.fromCommit.timedOut} |`,
      ),
      '',
    );
  }
  if (fresh.processes !== undefined) {
    lines.push(
      "Gateway processes over the writer's window: event-loop delay (`perf_hooks.monitorEventLoopDelay`, 10 ms resolution: a timer's lateness, i.e. how long callbacks wait for the loop) and CPU.",
      '',
      '| process | delay p50 ms | p99 ms | max ms | mean ms | CPU % of one core |',
      '| --- | --- | --- | --- | --- | --- |',
      ...fresh.processes.map(
        (process) =>
          `| ${process.role} | ${fixed(process.p50Ms, 1)} | ${fixed(process.p99Ms, 1)} | ${fixed(process.maxMs, 1)} | ${fixed(process.meanMs, 1)} | ${fixed(process.cpuPercent)} |`,
      ),
      '',
    );
  }
  if (fresh.consumerCounters !== undefined) {
    const counters = Object.entries(fresh.consumerCounters).map(([name, value]) => `${name} ${Math.round(value).toLocaleString('en-US')}`);
    lines.push(`The consumer's counters over the writer's window: ${counters.length === 0 ? 'none' : counters.join(', ')}.`, '');
  }
  const profile = fresh.consumerProfile;
  if (profile !== undefined && profile !== null) lines.push(...profileTables(profile, "the consumer's process"));
  return lines;
}

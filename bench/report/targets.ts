import type { BenchReport, TargetCheck } from '../bench-report.js';
import { ratio } from '../stats.js';

const MiB = 2 ** 20;

function check(
  id: string,
  what: string,
  figure: number | null | undefined,
  format: (value: number) => string,
  target: string,
  met: (value: number) => boolean,
): TargetCheck {
  if (figure === null || figure === undefined || Number.isNaN(figure)) return { id, what, figure: null, target, met: null };
  return { id, what, figure: format(figure), target, met: met(figure) };
}

/** Every figure the issue sets a target for, against its target. */
export function evaluateTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const rps = (id: string) => report.readPath?.throughput.find((result) => result.id === id)?.median.requestsPerSecond ?? null;
  const g1 = rps('G1');
  const b1 = rps('B1');
  const g2 = rps('G2');
  const statements = report.readPath?.nested?.statements ?? null;
  const batchedCounts = statements === null ? [] : Object.values(statements.batched);
  const fresh = report.freshness;
  const s1 = report.search?.gateway ?? null;
  const peak = report.readPath?.memory?.underLoadPeakRssBytes ?? null;
  return [
    check(
      'G1/B1',
      'cache-hit GraphQL throughput ÷ raw node:http + Redis GET',
      g1 === null || b1 === null ? null : ratio(g1, b1),
      (v) => v.toFixed(2),
      '≥ 0.5',
      (v) => v >= 0.5,
    ),
    check(
      'G1/G2',
      'cache-hit throughput ÷ MySQL-only throughput',
      g1 === null || g2 === null ? null : ratio(g1, g2),
      (v) => v.toFixed(2),
      '≥ 2',
      (v) => v >= 2,
    ),
    check(
      'G4',
      `SQL statements per nested request, batched, at list lengths ${statements === null ? '' : Object.keys(statements.batched).join(' and ')}`,
      batchedCounts.length < 2 ? null : Math.max(...batchedCounts) - Math.min(...batchedCounts),
      () => batchedCounts.join(' vs ') + (statements === null ? '' : ` (unbatched: ${Object.values(statements.unbatched).join(' vs ')})`),
      'independent of list length',
      (v) => v === 0,
    ),
    check(
      'S1',
      `searchProducts p99 at ${report.database.size} products`,
      s1?.median.p99Ms ?? null,
      (v) => `${v.toFixed(1)} ms`,
      '≤ 50 ms',
      (v) => v <= 50,
    ),
    check(
      'C1 limit',
      'documents lane apply rate ÷ raw _bulk of the same documents',
      report.cdc?.ratioToRawBulk ?? null,
      (v) => `${v.toFixed(2)}×`,
      '≥ 0.7',
      (v) => v >= 0.7,
    ),
    check(
      'C1',
      'CDC apply rate ÷ Logstash-like baseline',
      report.cdc?.ratioToLogstashLike ?? null,
      (v) => `${v.toFixed(2)}×`,
      '≥ 2×',
      (v) => v >= 2,
    ),
    check(
      'F1 GraphQL',
      'commit → visible through GraphQL, p99',
      fresh?.graphql.p99Ms ?? null,
      (v) => `${v.toFixed(0)} ms`,
      '≤ 250 ms',
      (v) => v <= 250 && (fresh?.graphql.timedOut ?? 0) === 0,
    ),
    check(
      'F1 search',
      'commit → searchable in Elasticsearch, p99',
      fresh?.search.p99Ms ?? null,
      (v) => `${v.toFixed(0)} ms`,
      `≤ refresh ${fresh?.refreshIntervalMs ?? 1000} ms + 300 ms`,
      (v) => v <= (fresh?.refreshIntervalMs ?? 1000) + 300 && (fresh?.search.timedOut ?? 0) === 0,
    ),
    check(
      'F1 gateway GraphQL',
      "Kafka append → visible through GraphQL (the gateway's share), p99",
      fresh?.gatewayGraphql?.p99Ms ?? null,
      (v) => `${v.toFixed(0)} ms`,
      '≤ 150 ms, 0 unseen',
      (v) => v <= 150 && (fresh?.gatewayGraphql?.timedOut ?? 1) === 0,
    ),
    check(
      'F1 gateway search',
      "Kafka append → searchable (the gateway's share), p99",
      fresh?.gatewaySearch?.p99Ms ?? null,
      (v) => `${v.toFixed(0)} ms`,
      `≤ refresh ${fresh?.refreshIntervalMs ?? 1000} ms + 250 ms, 0 unseen`,
      (v) => v <= (fresh?.refreshIntervalMs ?? 1000) + 250 && (fresh?.gatewaySearch?.timedOut ?? 1) === 0,
    ),
    check(
      'F3',
      "highest commit rate with flat search lag (Debezium's own in brackets)",
      report.sustained?.searchKeepsUpTo ?? null,
      (v) => `${v}/s (Debezium: ${report.sustained?.debeziumKeepsUpTo ?? 'none'}/s)`,
      "≥ 500/s and = Debezium's",
      (v) => v >= 500 && v >= (report.sustained?.debeziumKeepsUpTo ?? 0),
    ),
    check(
      'M1',
      'gateway RSS under G1 load (peak)',
      peak === null ? null : peak / MiB,
      (v) => `${v.toFixed(0)} MB`,
      '< 300 MB',
      (v) => v < 300,
    ),
  ];
}

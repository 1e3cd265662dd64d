import type { SustainedResults } from '../cases/sustained-rate.js';
import { fixed } from './format.js';

/** F3's section: per rate, whether search and Debezium kept up (flat lag over the window). */
export function sustainedSection(sustained: SustainedResults): string[] {
  return [
    '## F3 — sustained rate: the highest commit rate at which search keeps up',
    '',
    'Each rate runs the F1 pipeline (writer, Debezium, Kafka, the split gateway) for its own window. Flat: the least-squares line through the ' +
      "samples' latencies grows by less than 1 s over the window, and no sample is unseen within 15 s. Debezium's share (commit → Kafka) is judged the same way.",
    '',
    '| target commits/s | achieved | window s | search: p50 / p99 ms | search: growth ms | unseen | flat | Debezium: p50 / p99 ms | growth ms | flat |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sustained.steps.map(
      (step) =>
        `| ${step.targetRate} | ${fixed(step.achievedRate)} | ${step.seconds} | ${fixed(step.search.p50Ms)} / ${fixed(step.search.p99Ms)} | ${fixed(step.search.growthMs)} | ${step.search.unseen} | ${step.search.flat ? 'yes' : 'no'} | ` +
        `${fixed(step.debezium.p50Ms)} / ${fixed(step.debezium.p99Ms)} | ${fixed(step.debezium.growthMs)} | ${step.debezium.flat ? 'yes' : 'no'} |`,
    ),
    '',
    `Search keeps up to ${sustained.searchKeepsUpTo ?? 'none of these'} commits/s; Debezium itself to ${sustained.debeziumKeepsUpTo ?? 'none of these'} commits/s.`,
    '',
  ];
}

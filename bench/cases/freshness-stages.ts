import type { KafkaArrival } from '../workers/kafka-watcher.js';
import type { RowStages } from '../workers/f1-gateway.js';
import type { LatencyFigures, ProbeSample } from './freshness-probes.js';
import { createLatencyRecorder } from './freshness-probes.js';

/** Everything F1 learned about one sampled commit, epoch ms; null where it was not seen. */
export interface SampleJourney {
  readonly sample: ProbeSample;
  readonly kafka: KafkaArrival | null;
  readonly consumer: RowStages | null;
  readonly graphqlSeenAtMs: number | null;
  readonly searchSeenAtMs: number | null;
}

/** One stage of the pipeline: time from the commit to it, and from the stage before it. */
export interface StageFigures {
  readonly stage: string;
  readonly fromCommit: LatencyFigures;
  /** From the previous stage of the same sample (both seen); null for the first stage. */
  readonly fromPrevious: LatencyFigures | null;
}

type StageOf = (journey: SampleJourney) => number | null | undefined;

/**
 * The stages in pipeline order. The Redis and Elasticsearch lanes run side by side after
 * "prepared", so each store's stage is measured from "prepared", and each read path from its store.
 */
const STAGES: readonly (readonly [string, StageOf, string | null])[] = [
  ['appended to Kafka (record timestamp)', (j) => j.kafka?.appendedAtMs, null],
  ['delivered to a Kafka consumer (watcher process)', (j) => j.kafka?.arrivedAtMs, 'appended to Kafka (record timestamp)'],
  ['fetched by the gateway consumer', (j) => j.consumer?.fetchedAtMs, 'appended to Kafka (record timestamp)'],
  ['prepared (decoded, collapsed)', (j) => j.consumer?.preparedAtMs, 'fetched by the gateway consumer'],
  ['applied in Redis', (j) => j.consumer?.redisAtMs, 'prepared (decoded, collapsed)'],
  ['visible through GraphQL', (j) => j.graphqlSeenAtMs, 'applied in Redis'],
  ['applied in Elasticsearch', (j) => j.consumer?.elasticsearchAtMs, 'prepared (decoded, collapsed)'],
  ['searchable in Elasticsearch', (j) => j.searchSeenAtMs, 'applied in Elasticsearch'],
];

export function stageBreakdown(journeys: readonly SampleJourney[]): StageFigures[] {
  const byName = new Map(STAGES.map(([name, at]) => [name, at] as const));
  return STAGES.map(([stage, at, previous]) => {
    const fromCommit = createLatencyRecorder();
    const fromPrevious = previous === null ? null : createLatencyRecorder();
    const previousAt = previous === null ? undefined : byName.get(previous);
    for (const journey of journeys) {
      const when = at(journey) ?? null;
      fromCommit.record(when === null ? null : when - journey.sample.committedAtMs);
      const before = previousAt?.(journey) ?? null;
      if (fromPrevious !== null && when !== null && before !== null) fromPrevious.record(when - before);
    }
    return { stage, fromCommit: fromCommit.figures(), fromPrevious: fromPrevious?.figures() ?? null };
  });
}

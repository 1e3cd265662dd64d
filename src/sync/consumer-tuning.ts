/** How the CDC consumer batches, bounds and paces its work; every field has a default. */
export interface CdcConsumerTuning {
  /** At most this many messages are prepared (decoded, dead-lettered, re-read) at once. */
  readonly chunkSize: number;
  /** Partitions processed at once, so one stalled partition does not hold back the others. */
  readonly partitionsConsumedConcurrently: number;
  /**
   * Changes (after collapsing) a store may hold queued per partition before fetching that
   * partition waits for it: bounds memory, and how far Redis may run ahead of Elasticsearch.
   */
  readonly storeBacklogChanges: number;
  /** A store that fell behind catches up with applies of up to about this many changes. */
  readonly maxApplyChanges: number;
  /** Fetched messages a partition may hold before it is prepared; past it the partition's fetching pauses. */
  readonly intakeMessages: number;
  /** Fetch size per partition: large enough to fill several chunks from a backlog. */
  readonly maxBytesPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Offsets every store applied are committed at most this often, and when the consumer stops. */
  readonly autoCommitIntervalMs: number;
}

export const DEFAULT_TUNING: CdcConsumerTuning = {
  chunkSize: 500,
  partitionsConsumedConcurrently: 3,
  storeBacklogChanges: 10_000,
  maxApplyChanges: 1_000,
  intakeMessages: 5_000,
  maxBytesPerPartition: 8 * 1024 * 1024,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 5_000,
  autoCommitIntervalMs: 1_000,
};

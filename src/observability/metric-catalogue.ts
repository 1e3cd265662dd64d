/**
 * Every counter and gauge the gateway keeps, with its help text and label names. Prometheus needs
 * the label names up front; declaring them here keeps the exporter and the callers in step (an
 * undeclared label is an error in prom-client, so a new caller fails in its first test).
 */
export const COUNTERS = {
  cache_hits: { help: 'Rows answered from Redis.', labels: ['entity'] },
  cache_misses: { help: 'Rows not in Redis, read from the database.', labels: ['entity'] },
  cache_negative_hits: { help: 'Lookups answered by a remembered absence.', labels: ['entity'] },
  cache_fills: { help: 'Rows written to Redis after a miss.', labels: ['entity'] },
  cache_fills_rejected: { help: 'Fills refused because a CDC change got there first.', labels: ['entity'] },
  cache_bypasses: { help: 'Rows read from the database because Redis failed or was slow.', labels: ['entity'] },
  cache_leases_busy: { help: 'Misses that found another reader holding the fill lease.', labels: ['entity'] },
  sql_queries: { help: 'SQL statements sent.', labels: ['table'] },
  sql_errors: { help: 'SQL statements that failed.', labels: ['table'] },
  cdc_changes_applied: { help: 'CDC changes applied to every store.', labels: ['table', 'op'] },
  cdc_stale_changes: { help: 'CDC changes older than what a store held (skipped by version).', labels: ['store'] },
  cdc_dead_letters: { help: 'Undecodable CDC messages sent to the dead-letter topic.', labels: ['topic'] },
  cdc_unknown_tables: { help: 'CDC changes of tables no entity declares.', labels: ['table'] },
  cdc_schema_changes: { help: 'Schema change events seen.', labels: ['table'] },
  cdc_ignored_messages: { help: 'CDC messages ignored on purpose (tombstones, heartbeats).', labels: ['reason'] },
  cdc_watermarks: { help: 'Watermark messages seen.', labels: ['topic'] },
  cdc_rereads: { help: 'Rows re-read from the database because the change lacked a full image.', labels: ['table'] },
  cdc_retries: { help: 'Retries of a failing consumer step.', labels: ['step'] },
  search_documents_rejected: { help: 'Documents Elasticsearch refused.', labels: ['index'] },
  search_item_retries: { help: 'Bulk items retried.', labels: [] },
  search_embedding_rewrites: { help: 'Documents rewritten because an embedded row changed.', labels: ['index', 'embed'] },
  search_tombstones_purged: { help: 'Tombstone documents purged.', labels: ['index'] },
  graphql_errors: { help: 'Errors in GraphQL responses, by code.', labels: ['code'] },
  graphql_fast_lane: {
    help: 'GraphQL POSTs by what the fast lane did: served, or handed to Apollo (not_eligible, invalid, context_failed, errors).',
    labels: ['outcome'],
  },
  rate_limit_rejections: { help: 'Requests refused by the per-client rate limit.', labels: [] },
  live_changes_published: { help: 'Row changes announced to subscribers (after Redis applied them).', labels: ['entity'] },
  live_publish_failures: { help: 'Batches of change events that could not be published (subscribers missed them).', labels: [] },
  live_malformed_messages: { help: 'Entries on the change channel that were not change events (dropped).', labels: [] },
  live_subscriptions_started: { help: 'Subscriptions started, by transport.', labels: ['transport'] },
  live_subscriptions_overflowed: { help: 'Subscriptions ended because the client fell behind its buffer bound.', labels: [] },
  rate_limit_store_unavailable: {
    help: 'Rate-limit decisions counted in memory by the insurance limiter because Redis could not answer.',
    labels: [],
  },
} as const satisfies Record<string, { help: string; labels: readonly string[] }>;

export type CounterName = keyof typeof COUNTERS;

/** Values that go up and down: per-partition consumer lag (messages, overall and per store) and last-applied time (epoch ms). */
export const GAUGES = {
  cdc_lag: {
    exported: 'gateway_cdc_lag_messages',
    help: 'Messages after the last one every store applied (what is committed), per partition.',
    labels: ['topic', 'partition'],
  },
  /** Each store's own position: a slow Elasticsearch would otherwise hide how current Redis is, and the other way round. */
  cdc_watermark_age: {
    exported: 'gateway_cdc_watermark_age_seconds',
    help: "Age of the store's watermark: every message appended to the CDC topics before now minus this is applied in the store.",
    labels: ['store'],
  },
  cdc_store_lag: {
    exported: 'gateway_cdc_store_lag_messages',
    help: 'Messages after the last one this store applied, per partition and store (cdc_lag follows the slowest store).',
    labels: ['topic', 'partition', 'store'],
  },
  live_subscriptions: { exported: 'gateway_live_subscriptions', help: 'Subscriptions open on this instance.', labels: [] },
  cdc_last_applied_ms: {
    exported: 'gateway_cdc_last_applied_timestamp_seconds',
    help: 'When the consumer last applied a chunk of this partition (Unix time).',
    labels: ['topic', 'partition'],
  },
} as const satisfies Record<string, { exported: string; help: string; labels: readonly string[] }>;

export type GaugeName = keyof typeof GAUGES;

/**
 * Source commit → applied in every store, over the most recent changes. Binlog-based sources stamp
 * commits with one-second precision, so single values can be off by up to a second.
 */
export interface FreshnessSummary {
  readonly count: number;
  readonly lastMs: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** From a cache hit (sub-millisecond) to a slow database read or search. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

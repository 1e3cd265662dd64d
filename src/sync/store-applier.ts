import type { EntityDeclaration } from '../schema/entity.js';
import type { RowChange, SchemaChange } from './change.js';

/**
 * A row change ready for the stores: its entity found, its images normalized to the canonical
 * representation (normalizeRow with the entity's columns), re-read from the database when the source
 * carried only the key, and collapsed so each row appears at most once per batch (highest version).
 */
export interface EntityChange {
  readonly entity: EntityDeclaration;
  readonly change: RowChange;
  /** Primary key as a string (cache key, document id). */
  readonly id: string;
}

export interface TableTruncate {
  readonly entity: EntityDeclaration;
  readonly version: bigint;
}

export interface ApplyBatch {
  readonly changes: readonly EntityChange[];
  readonly truncates: readonly TableTruncate[];
}

export interface ApplyOutcome {
  readonly applied: number;
  /** Changes not applied because the store already held an equal or newer version. */
  readonly stale: number;
}

/**
 * One store the consumer keeps current (Redis, Elasticsearch). `apply` is idempotent and
 * version-guarded, resolves only once the store acknowledged every change, and rejects with a
 * retriable GatewayError (CACHE_UNAVAILABLE / SEARCH_UNAVAILABLE) when the store cannot be reached:
 * the consumer then pauses, backs off and retries the same batch.
 */
export interface StoreApplier {
  readonly store: 'redis' | 'elasticsearch' | 'elasticsearch-embeds';
  /**
   * The most changes one apply should carry when the consumer merges a backlog (a single chunk may
   * still hold more). Absent: the consumer's own limit.
   */
  readonly maxBatchChanges?: number;
  /**
   * Changes (after collapsing) this store's lane may hold per partition before fetching waits for
   * it. Absent: the consumer's storeBacklogChanges.
   */
  readonly maxHeldChanges?: number;
  apply(batch: ApplyBatch): Promise<ApplyOutcome>;
  /**
   * A DDL statement changed a declared table (e.g. ADD COLUMN). Optional; must be idempotent, and
   * resolves (rather than rejects) for a change the store cannot follow, after logging it.
   */
  applySchemaChange?(entity: EntityDeclaration, change: SchemaChange): Promise<void>;
}

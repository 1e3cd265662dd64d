import type { Client } from '@elastic/elasticsearch';
import type { RowSource } from '../db/row-source.js';
import type { SearchMetrics } from '../index/bulk-writer.js';
import type { IndexLayout } from '../index/index-manager.js';
import type { Logger } from '../observability/logger.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { SearchableEntity } from '../schema/entity.js';
import type { CopyTally } from './copy.js';
import type { ReindexSource } from './source.js';

/** The types one reindex run is described by; the reindexer, the copy and the swap share them. */

export interface ReindexDependencies {
  readonly client: Client;
  readonly rows: RowSource;
  readonly registry: EntityRegistry;
  readonly indexPrefix: string;
  readonly logger: Logger;
  readonly layout?: Partial<IndexLayout>;
  readonly metrics?: SearchMetrics;
  readonly now?: () => number;
}

export interface ReindexOptions {
  /** Rows per database page and bulk request. */
  readonly chunkSize?: number;
  /** A build whose owner has not checkpointed for this long may be taken over. */
  readonly leaseMs?: number;
  /** Wait between the swap and dropping the old index, for searches already running on it. */
  readonly dropDelayMs?: number;
  readonly countCheckTimeoutMs?: number;
  /** Live documents may differ from the table's row count by this much (rows Elasticsearch rejects). */
  readonly allowedCountDifference?: number;
  /** Discard an unfinished build instead of resuming it. */
  readonly restart?: boolean;
  readonly onProgress?: (progress: {
    readonly entity: string;
    readonly done: number;
    readonly total: number;
    readonly copyDone: boolean;
  }) => void;
  /** Awaited after each page's checkpoint (tests use it to slow the copy down or to crash it). */
  readonly afterPage?: (lastKey: string | null) => Promise<void>;
}

export interface ReindexReport {
  readonly entity: string;
  readonly alias: string;
  readonly index: string;
  readonly previous: string;
  readonly resumed: boolean;
  readonly rows: number;
  readonly copy: CopyTally;
  /** The counts the swap was checked with; -1 when this run only finished a swap an earlier run made. */
  readonly liveDocuments: number;
  readonly databaseRows: number;
  readonly durationMs: number;
}

export interface Reindexing {
  readonly deps: ReindexDependencies;
  readonly options: ReindexOptions;
  readonly entity: SearchableEntity;
  readonly alias: string;
  readonly buildAlias: string;
  readonly guardIndex: string;
  readonly source: ReindexSource;
  readonly now: () => number;
  readonly owner: string;
}

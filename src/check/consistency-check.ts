import type { Client } from '@elastic/elasticsearch';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityCache } from '../cache/entity-cache.js';
import type { RedisConnection } from '../cache/redis-client.js';
import type { RowSource } from '../db/row-source.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { rowIdOf } from '../schema/entity.js';
import type { CacheFinding } from './cache-check.js';
import { checkCacheBatch, findResurrectedEntries } from './cache-check.js';
import { repairSearchDocuments } from './repair-search.js';
import type { SearchFinding } from './search-check.js';
import { checkSearchBatch, findResurrectedDocuments } from './search-check.js';

export interface CheckDependencies {
  readonly registry: EntityRegistry;
  readonly rows: RowSource;
  readonly cache: EntityCache;
  readonly redis: RedisConnection;
  readonly search: Client;
  readonly keyPrefix: string;
  readonly indexPrefix: string;
  /** Waits until the CDC consumer has applied everything published so far (or throws). */
  readonly waitForConsumer: () => Promise<void>;
  readonly now?: () => number;
}

export interface CheckOptions {
  /** Table names; all declared entities when empty. */
  readonly tables: readonly string[];
  readonly batchSize: number;
  /** Production safety: MySQL rows read per second at most. */
  readonly maxRowsPerSecond: number;
  readonly repair: boolean;
}

export interface StoreReport {
  readonly stale: number;
  readonly missing: number;
  readonly extra: number;
  readonly resurrected: number;
  readonly repaired: number;
  readonly examples: readonly string[];
}

export interface EntityReport {
  readonly table: string;
  readonly rows: number;
  readonly redis: StoreReport;
  readonly elasticsearch: StoreReport | null;
}

export const problemsIn = (report: EntityReport): number =>
  [report.redis, report.elasticsearch].reduce(
    (sum, store) => sum + (store === null ? 0 : store.stale + store.missing + store.extra + store.resurrected),
    0,
  );

function storeReport(findings: readonly (CacheFinding | SearchFinding)[], repaired: number): StoreReport {
  const count = (problem: string) => findings.filter((finding) => finding.problem === problem).length;
  return {
    stale: count('stale'),
    missing: count('missing'),
    extra: 0,
    resurrected: count('resurrected'),
    repaired,
    examples: findings.slice(0, 5).map((finding) => `${finding.problem} ${finding.id}`),
  };
}

/**
 * Compares every cache entry and search document of each entity with MySQL: MySQL is read in
 * primary-key ranges (rate-limited), then the stores are scanned for entries of rows MySQL no longer
 * has. Differences found while the consumer may still be applying them are checked once more after
 * it caught up, so only lasting problems are reported (and, with `repair`, fixed).
 */
export async function runConsistencyCheck(deps: CheckDependencies, options: CheckOptions): Promise<EntityReport[]> {
  const now = deps.now ?? Date.now;
  const pace = async (rowsRead: number, began: number) => {
    const earliest = began + (rowsRead / options.maxRowsPerSecond) * 1000;
    if (earliest > now()) await sleep(earliest - now());
  };
  const searchDeps = { client: deps.search, rows: deps.rows, registry: deps.registry, indexPrefix: deps.indexPrefix };
  const entities = deps.registry.entities.filter((entity) => options.tables.length === 0 || options.tables.includes(entity.table));
  const reports: EntityReport[] = [];
  await deps.waitForConsumer();
  for (const entity of entities) {
    const began = now();
    let rowsRead = 0;
    // Store scans are paced like MySQL reads: each page counts as a batch of work.
    let workDone = 0;
    let cacheFindings: CacheFinding[] = [];
    let searchFindings: SearchFinding[] = [];
    for (let after: string | null = null; ;) {
      const batch = await deps.rows.selectRange(entity, after, options.batchSize);
      if (batch.length === 0) break;
      rowsRead += batch.length;
      workDone += batch.length;
      cacheFindings.push(...(await checkCacheBatch(deps.cache, entity, batch)));
      searchFindings.push(...(await checkSearchBatch(searchDeps, entity, batch)));
      after = rowIdOf(batch[batch.length - 1]!, entity);
      await pace(workDone, began);
    }
    const pageDone = async () => {
      workDone += options.batchSize;
      await pace(workDone, began);
    };
    cacheFindings.push(...(await findResurrectedEntries({ ...deps, keyPrefix: deps.keyPrefix }, entity, options.batchSize, pageDone)));
    searchFindings.push(...(await findResurrectedDocuments(searchDeps, entity, options.batchSize, pageDone)));

    if (cacheFindings.length + searchFindings.length > 0) {
      await deps.waitForConsumer();
      [cacheFindings, searchFindings] = await confirm(deps, entity, cacheFindings, searchFindings);
    }
    let repairedCache = 0;
    let repairedSearch = 0;
    if (options.repair) {
      repairedCache = await deps.cache.invalidate(
        entity,
        cacheFindings.map((finding) => finding.id),
      );
      repairedSearch = await repairSearchDocuments(deps.search, deps.indexPrefix, entity, searchFindings, now());
    }
    reports.push({
      table: entity.table,
      rows: rowsRead,
      redis: storeReport(cacheFindings, repairedCache),
      elasticsearch: entity.search === undefined ? null : storeReport(searchFindings, repairedSearch),
    });
  }
  return reports;
}

/** Re-checks the findings' ids against MySQL as it is now: what the consumer fixed meanwhile is dropped. */
async function confirm(
  deps: CheckDependencies,
  entity: EntityDeclaration,
  cache: CacheFinding[],
  search: SearchFinding[],
): Promise<[CacheFinding[], SearchFinding[]]> {
  const ids = [...new Set([...cache, ...search].map((finding) => finding.id))];
  const current = await deps.rows.selectByIds(entity, ids);
  const present = [...current.values()];
  const cacheAgain = await checkCacheBatch(deps.cache, entity, present);
  const searchAgain = await checkSearchBatch(
    { client: deps.search, rows: deps.rows, registry: deps.registry, indexPrefix: deps.indexPrefix },
    entity,
    present,
  );
  const gone = ids.filter((id) => !current.has(id));
  const stillResurrected = <T extends { id: string; problem: string }>(findings: T[]) =>
    findings.filter((finding) => finding.problem === 'resurrected' && gone.includes(finding.id));
  return [
    [...cacheAgain, ...stillResurrected(cache)],
    [...searchAgain, ...stillResurrected(search)],
  ];
}

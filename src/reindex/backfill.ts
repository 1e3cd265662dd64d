import type { Client } from '@elastic/elasticsearch';
import type { RowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { SearchableEntity } from '../schema/entity.js';
import { isSearchable } from '../schema/entity.js';
import { toSearchError } from '../index/elasticsearch-client.js';
import { guardAlias, searchAlias } from '../index/index-manager.js';
import { createReindexSource } from './source.js';
import { readReindexState } from './state.js';
import type { ReindexDependencies, ReindexOptions, ReindexReport } from './reindex-run.js';
import { reindexEntity } from './reindexer.js';

/*
 * First start: an index that was just created holds nothing, and a consumer group with committed
 * offsets will never replay the history that would fill it. The backfill is the reindex path
 * (new index, copy, swap), so the same guarantees hold while the consumer writes meanwhile.
 */

/** What the maintenance functions need from the gateway's services (GatewayServices satisfies it). */
export interface SearchMaintenanceServices {
  readonly search: Client;
  /** A client with a long request timeout for bulk pages and refreshes, when the caller has one. */
  readonly maintenanceSearch?: () => Client;
  readonly rows: RowSource;
  /** Rows read with a long statement timeout (a page on a busy database outlasts the API's), when the caller has one. */
  readonly maintenanceRows?: () => RowSource;
  readonly registry: EntityRegistry;
  readonly logger: Logger;
  readonly config: { readonly elasticsearch: { readonly indexPrefix: string; readonly refreshInterval?: string } };
}

export function reindexDependencies(services: SearchMaintenanceServices): ReindexDependencies {
  const { indexPrefix, refreshInterval } = services.config.elasticsearch;
  return {
    client: services.maintenanceSearch?.() ?? services.search,
    rows: services.maintenanceRows?.() ?? services.rows,
    registry: services.registry,
    indexPrefix,
    logger: services.logger,
    layout: refreshInterval === undefined ? {} : { settings: { refresh_interval: refreshInterval } },
  };
}

export function searchableEntities(registry: EntityRegistry): SearchableEntity[] {
  return registry.entities.filter(isSearchable);
}

/**
 * Entities to backfill: an index without a single document (not even a tombstone) over a table
 * that has rows, or a reindex left unfinished whose owner is gone. Call it after the indices are
 * ensured and BEFORE the CDC consumer starts: once the consumer writes, "empty" is no longer a
 * reliable sign that nothing was ever loaded.
 */
export async function entitiesNeedingBackfill(deps: ReindexDependencies, leaseMs = 60_000): Promise<SearchableEntity[]> {
  const source = createReindexSource(deps.rows);
  const now = (deps.now ?? Date.now)();
  const needed: SearchableEntity[] = [];
  for (const entity of searchableEntities(deps.registry)) {
    const alias = searchAlias(deps.indexPrefix, entity.search);
    const unfinished = await readReindexState(deps.client, guardAlias(deps.indexPrefix), alias);
    if (unfinished !== null) {
      if (now - unfinished.state.heartbeatAt >= leaseMs) needed.push(entity);
      continue;
    }
    if ((await countAll(deps.client, alias)) === 0 && (await source.count(entity)) > 0) needed.push(entity);
  }
  return needed;
}

/** Reindexes the given entities one after another; resolves with a report per entity. */
export async function reindexEntities(
  deps: ReindexDependencies,
  entities: readonly SearchableEntity[],
  options: ReindexOptions = {},
): Promise<ReindexReport[]> {
  const reports: ReindexReport[] = [];
  for (const entity of entities) {
    const report = await reindexEntity(deps, entity, options);
    deps.logger.info(
      { entity: report.entity, rows: report.rows, index: report.index, durationMs: report.durationMs },
      'search index backfilled',
    );
    reports.push(report);
  }
  return reports;
}

async function countAll(client: Client, alias: string): Promise<number> {
  try {
    return (await client.count({ index: alias })).count;
  } catch (error) {
    throw toSearchError(error, `elasticsearch count of ${alias}`);
  }
}

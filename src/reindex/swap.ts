import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../errors.js';
import { refreshIndex } from '../index/bulk-writer.js';
import { toSearchError } from '../index/elasticsearch-client.js';
import { deleteIndices, indexBehind, updateAliases } from '../index/aliases.js';
import { completeLayout, detectAnalysisLevel, entityIndexBody } from '../index/index-manager.js';
import type { Reindexing } from './reindex-run.js';
import type { StoredReindexState } from './state.js';
import { deleteReindexState, updateReindexState } from './state.js';
import { liveDocumentsFilter } from '../index/search-documents.js';

/*
 * The end of a reindex: restore the refresh interval, check counts, swap the live alias in one
 * atomic alias update (searches see the old index or the new one, never neither), then drop the
 * old index. Every step is idempotent, so a run that crashed anywhere here is finished by the next.
 */

export interface CountCheck {
  readonly liveDocuments: number;
  readonly databaseRows: number;
}

/**
 * Waits until the new index's live documents match the table's row count (bracketed by a count
 * before and after, so inserts and deletes in flight do not fail it), then swaps the alias.
 * Elasticsearch cannot compare with MySQL at one instant; a persistent gap means the CDC consumer
 * is not keeping up or documents were rejected, and the build is left in place for a rerun.
 */
export async function swapWhenCountsAgree(
  run: Reindexing,
  current: () => StoredReindexState,
  save: (stored: StoredReindexState) => void,
): Promise<CountCheck> {
  const { client, logger } = run.deps;
  const { source, target } = current().state;
  const layout = completeLayout(run.deps.layout);
  const settings = entityIndexBody(run.entity.search, await detectAnalysisLevel(client), layout).settings as { refresh_interval?: string };
  try {
    await client.indices.putSettings({ index: target, settings: { refresh_interval: settings.refresh_interval ?? '1s' } });
  } catch (error) {
    throw toSearchError(error, `elasticsearch settings of ${target}`);
  }
  const counted = await waitForMatchingCounts(run, current, save);
  const live = await indexBehind(client, run.alias);
  if (live !== source)
    throw new GatewayError('SEARCH_UNAVAILABLE', `${run.alias} moved from ${source} to ${live} during the reindex; not swapping`);
  await updateAliases(
    client,
    [{ add: { index: target, alias: run.alias, is_write_index: true } }, { remove: { index: source, alias: run.alias } }],
    `elasticsearch alias swap of ${run.alias}`,
  );
  logger.info({ alias: run.alias, from: source, to: target, ...counted }, 'search alias swapped to the new index');
  return counted;
}

async function waitForMatchingCounts(
  run: Reindexing,
  current: () => StoredReindexState,
  save: (stored: StoredReindexState) => void,
): Promise<CountCheck> {
  const { client } = run.deps;
  const allowed = run.options.allowedCountDifference ?? 0;
  const deadline = run.now() + (run.options.countCheckTimeoutMs ?? 60_000);
  for (;;) {
    await refreshIndex(client, run.buildAlias);
    const before = await run.source.count(run.entity);
    const liveDocuments = await countLive(run);
    const databaseRows = await run.source.count(run.entity);
    if (liveDocuments >= Math.min(before, databaseRows) - allowed && liveDocuments <= Math.max(before, databaseRows) + allowed)
      return { liveDocuments, databaseRows };
    if (run.now() > deadline) {
      throw new GatewayError(
        'SEARCH_UNAVAILABLE',
        `${run.alias}: the new index holds ${liveDocuments} live documents but ${run.entity.table} has ${databaseRows} rows; not swapping. ` +
          'Is the CDC consumer running and caught up, or were documents rejected (see the log)? Run the reindex again to re-check, or with --restart to rebuild.',
        { details: { alias: run.alias, liveDocuments, databaseRows } },
      );
    }
    save(await updateReindexState(client, run.guardIndex, current(), { heartbeatAt: run.now() }));
    await sleep(500);
  }
}

async function countLive(run: Reindexing): Promise<number> {
  try {
    return (await run.deps.client.count({ index: run.buildAlias, query: liveDocumentsFilter })).count;
  } catch (error) {
    throw toSearchError(error, `elasticsearch count of ${run.buildAlias}`);
  }
}

/** After the swap: wait for requests still on the old index, then drop it, the build alias and the state. */
export async function finishSwap(run: Reindexing, stored: StoredReindexState): Promise<void> {
  const { client, logger } = run.deps;
  const { source, target } = stored.state;
  await sleep(run.options.dropDelayMs ?? 5_000);
  await updateAliases(
    client,
    [{ remove: { index: target, alias: run.buildAlias, must_exist: false } }],
    `elasticsearch removal of ${run.buildAlias}`,
  );
  if (source !== target) await deleteIndices(client, [source]);
  await deleteReindexState(client, run.guardIndex, stored);
  logger.info({ alias: run.alias, dropped: source }, 'reindex finished');
}

/** After a failed run: lets the next run resume at once instead of waiting for the lease to expire. */
export async function releaseLease(run: Reindexing, stored: StoredReindexState): Promise<void> {
  await updateReindexState(run.deps.client, run.guardIndex, stored, { heartbeatAt: 0 });
}

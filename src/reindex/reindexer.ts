import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { GatewayError } from '../errors.js';
import type { BulkWriter } from '../index/bulk-writer.js';
import { defaultItemRetry } from '../index/bulk-writer.js';
import { createDocumentWriter } from '../sync/appliers/elasticsearch/document-writes.js';
import type { SearchableEntity } from '../schema/entity.js';
import { searchKeyFieldOf } from '../schema/entity.js';
import { toSearchError } from '../index/elasticsearch-client.js';
import { buildAliasOf, deleteIndices, indexBehind, indexExists, readAliases, updateAliases } from '../index/aliases.js';
import {
  completeLayout,
  detectAnalysisLevel,
  entityIndexBody,
  guardAlias,
  mappingFingerprint,
  physicalIndexName,
  SEARCH_MAPPING_VERSION,
  searchAlias,
} from '../index/index-manager.js';
import type { CopyTally } from './copy.js';
import { copyRows } from './copy.js';
import type { ReindexDependencies, ReindexOptions, ReindexReport, Reindexing } from './reindex-run.js';
import { finishSwap, releaseLease, swapWhenCountsAgree } from './swap.js';
import { createReindexSource } from './source.js';
import type { ReindexState, StoredReindexState } from './state.js';
import { createReindexState, deleteReindexState, readReindexState, updateReindexState } from './state.js';

/*
 * Zero-downtime reindex of one searchable entity (design: docs/reindex.md):
 * 1. record the build in the guard index (the lease), create the new index with the build alias;
 *    from then on the CDC applier writes every change to both indices;
 * 2. copy the table in primary-key order at versions that never beat a newer change;
 * 3. refresh, compare live documents with the table's row count, swap the live alias atomically;
 * 4. after a grace period for in-flight requests, drop the old index and the build alias.
 * Searches use the live alias throughout, which always points at one complete index. A crashed run
 * leaves its state behind; the next run resumes it (or, with `restart`, discards it).
 */

export async function reindexEntity(
  deps: ReindexDependencies,
  entity: SearchableEntity,
  options: ReindexOptions = {},
): Promise<ReindexReport> {
  const run = reindexing(deps, entity, options);
  const started = run.now();
  const resumable = await claimExistingBuild(run);
  const resumed = resumable !== null;
  let stored = resumable ?? (await beginBuild(run));
  if (stored.state.target === (await indexBehind(deps.client, run.alias))) {
    await finishSwap(run, stored);
    return report(run, stored, resumed, { written: 0, superseded: 0, rejected: 0 }, { liveDocuments: -1, databaseRows: -1 }, started);
  }
  let copy: CopyTally = { written: 0, superseded: 0, rejected: 0 };
  try {
    if (!stored.state.copyDone) {
      const total = await run.source.count(entity);
      const writer = bulkWriter(deps);
      const documents = createDocumentWriter({
        writer,
        rows: deps.rows,
        registry: deps.registry,
        guardIndex: run.guardIndex,
        pageSize: 500,
        now: run.now,
      });
      copy = await copyRows(
        {
          client: deps.client,
          documents,
          source: run.source,
          guardIndex: run.guardIndex,
          entity,
          sourceIndex: stored.state.source,
          buildAlias: run.buildAlias,
          chunkSize: options.chunkSize ?? 1000,
          checkpoint: async ({ lastKey, rows, done }) => {
            stored = await updateReindexState(deps.client, run.guardIndex, stored, {
              lastKey,
              copied: stored.state.copied + rows,
              copyDone: done,
              heartbeatAt: run.now(),
            });
            options.onProgress?.({
              entity: entity.search.index,
              done: stored.state.copied,
              total: Math.max(total, stored.state.copied),
              copyDone: done,
            });
            await options.afterPage?.(lastKey);
          },
        },
        stored.state.lastKey,
      );
      if (copy.rejected > 0)
        deps.logger.warn({ alias: run.alias, rejected: copy.rejected }, 'elasticsearch rejected documents during the reindex copy');
    }
    const counted = await swapWhenCountsAgree(
      run,
      () => stored,
      (next) => (stored = next),
    );
    await finishSwap(run, stored);
    return report(run, stored, resumed, copy, counted, started);
  } catch (error) {
    // Lost leases included: then the release fails too, which is what should happen.
    await releaseLease(run, stored).catch(() => undefined);
    throw error;
  }
}

/**
 * Discards an unfinished build (its index and state); a build already swapped in is finished
 * instead. Resolves false when there is none.
 */
export async function abortReindex(
  deps: ReindexDependencies,
  entity: SearchableEntity,
  options: { readonly force?: boolean; readonly leaseMs?: number } = {},
): Promise<boolean> {
  const run = reindexing(deps, entity, options);
  const stored = await readReindexState(deps.client, run.guardIndex, run.alias);
  if (stored === null) return false;
  if (!options.force) assertLeaseExpired(run, stored);
  if (stored.state.target === (await indexBehind(deps.client, run.alias))) await finishSwap(run, stored);
  else await discardBuild(run, stored);
  return true;
}

export function reindexing(deps: ReindexDependencies, entity: SearchableEntity, options: ReindexOptions): Reindexing {
  const keyField = searchKeyFieldOf(entity);
  const keyMapping = entity.search.properties[keyField] as { type?: string } | undefined;
  if (keyMapping?.type !== 'long') {
    throw new GatewayError(
      'CONFIG_INVALID',
      `search mapping ${entity.search.index} must map its primary key ${keyField} as a long to be reindexed in key order`,
    );
  }
  const alias = searchAlias(deps.indexPrefix, entity.search);
  return {
    deps,
    options,
    entity,
    alias,
    buildAlias: buildAliasOf(alias),
    guardIndex: guardAlias(deps.indexPrefix),
    source: createReindexSource(deps.rows),
    now: deps.now ?? Date.now,
    owner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
  };
}

/** Takes over an unfinished build whose lease expired; null when there is none (or it was discarded). */
async function claimExistingBuild(run: Reindexing): Promise<StoredReindexState | null> {
  const { client } = run.deps;
  const stored = await readReindexState(client, run.guardIndex, run.alias);
  if (stored === null) return null;
  assertLeaseExpired(run, stored);
  const claimed = await updateReindexState(client, run.guardIndex, stored, { owner: run.owner, heartbeatAt: run.now() });
  if (claimed.state.target === (await indexBehind(client, run.alias))) return claimed;
  const usable =
    !run.options.restart &&
    (await indexExists(client, claimed.state.target)) &&
    claimed.state.fingerprint === (await currentFingerprint(run));
  if (usable) {
    run.deps.logger.info(
      { alias: run.alias, target: claimed.state.target, lastKey: claimed.state.lastKey },
      'resuming an unfinished reindex',
    );
    return claimed;
  }
  await discardBuild(run, claimed);
  return null;
}

async function beginBuild(run: Reindexing): Promise<StoredReindexState> {
  const { client, logger } = run.deps;
  const source = await indexBehind(client, run.alias);
  await removeOrphanBuildAlias(run, source);
  const level = await detectAnalysisLevel(client);
  const layout = completeLayout(run.deps.layout);
  const target = physicalIndexName(run.alias, SEARCH_MAPPING_VERSION, run.now());
  const state: ReindexState = {
    alias: run.alias,
    source,
    target,
    fingerprint: mappingFingerprint(run.entity.search, level),
    lastKey: null,
    copyDone: false,
    copied: 0,
    owner: run.owner,
    heartbeatAt: run.now(),
    startedAt: run.now(),
  };
  // The state first: it is the lock, and a crash right after it leaves something the next run can clean up.
  const stored = await createReindexState(client, run.guardIndex, state);
  if (stored === null) throw busy(run.alias, 'another process has just started one');
  // No refresh while building: nothing searches the new index until the swap refreshes it.
  const body = entityIndexBody(run.entity.search, level, { ...layout, settings: { ...layout.settings, refresh_interval: '-1' } });
  try {
    await client.indices.create({ index: target, ...body, aliases: { [run.buildAlias]: {} } });
  } catch (error) {
    await deleteReindexState(client, run.guardIndex, stored).catch(() => undefined);
    throw toSearchError(error, `elasticsearch create index ${target}`);
  }
  logger.info({ alias: run.alias, source, target }, 'reindex started; CDC writes go to both indices until the swap');
  return stored;
}

/** A build alias left without a state (hand-made, or a failed cleanup) would make the new build's alias ambiguous. */
async function removeOrphanBuildAlias(run: Reindexing, liveIndex: string): Promise<void> {
  const holders = (await readAliases(run.deps.client, [run.buildAlias])).get(run.buildAlias) ?? [];
  await deleteIndices(
    run.deps.client,
    holders.filter((index) => index !== liveIndex),
  );
  if (holders.includes(liveIndex))
    await updateAliases(
      run.deps.client,
      [{ remove: { index: liveIndex, alias: run.buildAlias, must_exist: false } }],
      `elasticsearch removal of ${run.buildAlias}`,
    );
}

async function discardBuild(run: Reindexing, stored: StoredReindexState): Promise<void> {
  const { client, logger } = run.deps;
  const live = await indexBehind(client, run.alias);
  if (stored.state.target !== live) await deleteIndices(client, [stored.state.target]);
  await deleteReindexState(client, run.guardIndex, stored);
  logger.info({ alias: run.alias, target: stored.state.target }, 'unfinished reindex discarded');
}

async function currentFingerprint(run: Reindexing): Promise<string> {
  return mappingFingerprint(run.entity.search, await detectAnalysisLevel(run.deps.client));
}

function assertLeaseExpired(run: Reindexing, stored: StoredReindexState): void {
  const leaseMs = run.options.leaseMs ?? 60_000;
  const idleMs = run.now() - stored.state.heartbeatAt;
  if (idleMs < leaseMs)
    throw busy(run.alias, `${stored.state.owner} checkpointed ${Math.round(idleMs / 1000)} s ago (lease ${Math.round(leaseMs / 1000)} s)`);
}

function busy(alias: string, why: string): GatewayError {
  return new GatewayError('SEARCH_UNAVAILABLE', `a reindex of ${alias} is already running: ${why}`, {
    details: { alias, reason: 'reindex-in-progress' },
  });
}

function bulkWriter(deps: ReindexDependencies): BulkWriter {
  return { client: deps.client, logger: deps.logger, metrics: deps.metrics, retry: defaultItemRetry };
}

function report(
  run: Reindexing,
  stored: StoredReindexState,
  resumed: boolean,
  copy: CopyTally,
  counted: { liveDocuments: number; databaseRows: number },
  startedMs: number,
): ReindexReport {
  return {
    entity: run.entity.search.index,
    alias: run.alias,
    index: stored.state.target,
    previous: stored.state.source,
    resumed,
    rows: stored.state.copied,
    copy,
    ...counted,
    durationMs: run.now() - startedMs,
  };
}

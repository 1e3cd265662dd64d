import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { RowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EntityDeclaration } from '../schema/entity.js';
import type { CdcFormat, DecodedChange, RawMessage, SchemaChange } from './change.js';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter.js';
import { decodeMessage } from './decoders/detect.js';
import type { SourcedChange } from './prepare-batch.js';
import { completeReread, prepareBatch } from './prepare-batch.js';
import type { ApplyBatch, EntityChange, StoreApplier } from './store-applier.js';

export interface ChunkApplierDependencies {
  readonly format: CdcFormat | 'auto';
  readonly registry: EntityRegistry;
  readonly appliers: readonly StoreApplier[];
  readonly rows: RowSource;
  readonly deadLetters: DeadLetterPublisher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Runs one step until it succeeds (or rejects with RetryAborted); `step` names it in logs and status. */
export type Retry = <T>(step: string, attempt: () => Promise<T>) => Promise<T>;

export type ChunkApplier = (topic: string, partition: number, messages: readonly KafkaMessage[], retry: Retry) => Promise<ChunkResult>;

export interface ChunkResult {
  /** Row changes and truncates applied to every store (after collapsing). */
  readonly applied: number;
  /** Source commit time of the newest change applied, if any. */
  readonly newestCommitMs: number | null;
}

/**
 * One chunk of one partition's messages, in order: decode, dead-letter what cannot be decoded,
 * collapse, re-read key-only rows, apply to every store in parallel. Resolves only when all of it
 * is acknowledged (so the caller may then commit the chunk's offsets); every external step goes
 * through `retry`, so the chunk either completes or is abandoned without any commit.
 */
export function createChunkApplier(deps: ChunkApplierDependencies): ChunkApplier {
  const { registry, metrics, logger } = deps;
  const warnedTables = new Set<string>();

  return async function applyChunk(topic, partition, messages, retry) {
    const deadLetters: DeadLetter[] = [];
    const sourced: SourcedChange<KafkaMessage>[] = [];
    const schemaChanges: { entity: EntityDeclaration; change: SchemaChange }[] = [];
    for (const message of messages) {
      const where = { topic, partition, offset: message.offset };
      let decoded: DecodedChange[];
      try {
        decoded = decodeMessage(toRawMessage(topic, partition, message), deps.format);
      } catch (error) {
        deadLetters.push({ topic, partition, message, error });
        continue;
      }
      for (const change of decoded) {
        if (change.kind === 'row' || change.kind === 'truncate') sourced.push({ change, message });
        else if (change.kind === 'schema') {
          metrics.increment('cdc_schema_changes', { table: change.table ?? '' });
          logger.info({ ...where, database: change.database, table: change.table, ddl: change.ddl }, 'schema change');
          const entity = change.table === null ? undefined : registry.byTable(change.table);
          if (entity !== undefined) schemaChanges.push({ entity, change });
        } else if (change.kind === 'watermark') {
          metrics.increment('cdc_watermarks', { topic });
        } else {
          metrics.increment('cdc_ignored_messages', { reason: change.reason });
          logger.debug({ ...where, reason: change.reason }, 'ignored message');
        }
      }
    }

    const prepared = prepareBatch(sourced, registry);
    for (const { message, error } of prepared.rejected) deadLetters.push({ topic, partition, message, error });
    for (const [table, count] of prepared.unknownTables) {
      metrics.increment('cdc_unknown_tables', { table }, count);
      if (!warnedTables.has(table)) {
        warnedTables.add(table);
        logger.warn({ topic, partition, table }, 'changes of a table no entity declares are skipped');
      }
    }

    if (deadLetters.length > 0) {
      await retry('dead-letter', () => deps.deadLetters.publish(deadLetters));
      for (const letter of deadLetters) {
        metrics.increment('cdc_dead_letters', { topic });
        logger.warn({ topic, partition, offset: letter.message.offset, err: letter.error }, 'message dead-lettered');
      }
    }

    for (const { entity, change } of schemaChanges) {
      for (const applier of deps.appliers) {
        if (applier.applySchemaChange !== undefined) await retry(`${applier.store}-schema`, () => applier.applySchemaChange!(entity, change));
      }
    }

    const reread = await retry('reread', () => rereadRows(deps.rows, prepared.rereads));
    for (const item of prepared.rereads) metrics.increment('cdc_rereads', { table: item.entity.table });
    const batch: ApplyBatch = { changes: [...prepared.batch.changes, ...reread], truncates: prepared.batch.truncates };
    if (batch.changes.length === 0 && batch.truncates.length === 0) return { applied: 0, newestCommitMs: null };

    // allSettled: when one store's retries are aborted, the other stores' attempts still finish
    // inside this call rather than running on after the consumer let go of the partition.
    const settled = await Promise.allSettled(deps.appliers.map((applier) => retry(applier.store, () => applier.apply(batch))));
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    settled.forEach((result, index) => {
      const stale = result.status === 'fulfilled' ? result.value.stale : 0;
      if (stale > 0) metrics.increment('cdc_stale_changes', { store: deps.appliers[index]?.store ?? 'unknown' }, stale);
    });
    return recordApplied(deps, batch, sourced);
  };
}

function recordApplied(deps: ChunkApplierDependencies, batch: ApplyBatch, sourced: readonly SourcedChange<KafkaMessage>[]): ChunkResult {
  const now = deps.now();
  for (const { entity, change } of batch.changes) {
    deps.metrics.increment('cdc_changes_applied', { table: entity.table, op: change.op });
    deps.metrics.observeCdcFreshness(Math.max(0, now - change.committedAtMs));
  }
  for (const { entity } of batch.truncates) deps.metrics.increment('cdc_changes_applied', { table: entity.table, op: 'truncate' });
  const commits = sourced.filter(({ change }) => deps.registry.byTable(change.table) !== undefined).map(({ change }) => change.committedAtMs);
  return { applied: batch.changes.length + batch.truncates.length, newestCommitMs: commits.length === 0 ? null : Math.max(...commits) };
}

/** One SELECT per entity for the key-only changes; a row that is gone becomes a delete. */
async function rereadRows(rows: RowSource, rereads: readonly EntityChange[]): Promise<EntityChange[]> {
  if (rereads.length === 0) return [];
  const byEntity = new Map<EntityDeclaration, EntityChange[]>();
  for (const item of rereads) {
    const items = byEntity.get(item.entity) ?? [];
    items.push(item);
    byEntity.set(item.entity, items);
  }
  const completed = await Promise.all(
    [...byEntity].map(async ([entity, items]) => {
      const found = await rows.selectByIds(entity, items.map((item) => item.id));
      return items.map((item) => completeReread(item, found.get(item.id)));
    }),
  );
  return completed.flat();
}

/** Decoders see one value per header; Kafka allows repeats, and the last one is the current one. */
function toRawMessage(topic: string, partition: number, message: KafkaMessage): RawMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: lastHeaderValues(message.headers) };
}

function lastHeaderValues(headers: IHeaders | undefined): Record<string, Buffer | string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value.at(-1) : value]));
}

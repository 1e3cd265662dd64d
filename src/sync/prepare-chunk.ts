import { asDecodeFailure } from '../errors.js';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { RowSource } from '../db/row-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EntityDeclaration } from '../schema/entity.js';
import type { CdcFormat, DecodedChange, RawMessage, SchemaChange } from './change.js';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter.js';
import { schemaIdsOf } from './decoders/debezium-avro.js';
import { decodeMessage } from './decoders/detect.js';
import type { SchemaRegistryClient } from './schema-registry-client.js';
import type { SourcedChange } from './prepare-batch.js';
import { completeReread, prepareBatch } from './prepare-batch.js';
import type { ApplyBatch, EntityChange } from './store-applier.js';

export interface ChunkPreparerDependencies {
  readonly format: CdcFormat | 'auto';
  readonly registry: EntityRegistry;
  readonly rows: RowSource;
  readonly deadLetters: DeadLetterPublisher;
  /** Schemas of Avro messages, fetched by id before a chunk is decoded. */
  readonly schemaRegistry: SchemaRegistryClient;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Runs one step until it succeeds (or rejects with RetryAborted); `step` names it in logs and status. */
export type Retry = <T>(step: string, attempt: () => Promise<T>) => Promise<T>;

export interface DeclaredSchemaChange {
  readonly entity: EntityDeclaration;
  readonly change: SchemaChange;
}

/** One chunk of one partition, decoded once and handed to every store's lane. */
export interface PreparedChunk {
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly messages: number;
  /** DDL of declared tables, applied by each store before the chunk's rows. */
  readonly schemaChanges: readonly DeclaredSchemaChange[];
  /** Collapsed row changes (re-reads completed) and truncates. */
  readonly batch: ApplyBatch;
  /** Source commit time of the newest change of a declared table, if any. */
  readonly newestCommitMs: number | null;
}

export type ChunkPreparer = (topic: string, partition: number, messages: readonly KafkaMessage[], retry: Retry) => Promise<PreparedChunk>;

/**
 * The store-independent half of applying a chunk, done once however many stores follow: decode,
 * dead-letter what cannot be decoded (acknowledged before the chunk can ever be committed, and
 * published by this step alone, so once per chunk rather than once per store), collapse, re-read
 * key-only rows. Every external step goes through `retry`.
 */
export function createChunkPreparer(deps: ChunkPreparerDependencies): ChunkPreparer {
  const { registry, metrics, logger } = deps;
  const warnedTables = new Set<string>();

  return async function prepareChunk(topic, partition, messages, retry) {
    const deadLetters: DeadLetter[] = [];
    const sourced: SourcedChange<KafkaMessage>[] = [];
    const schemaChanges: DeclaredSchemaChange[] = [];
    // Before decoding, and retried like every external step: with the registry down the
    // partition waits here, nothing dead-lettered; an id the registry does not have is no outage.
    const schemaIds = schemaIdsOf(messages);
    if (schemaIds.size > 0) await retry('schema-registry', () => deps.schemaRegistry.prefetch(schemaIds));
    for (const message of messages) {
      const where = { topic, partition, offset: message.offset };
      let decoded: DecodedChange[];
      try {
        decoded = decodeMessage(toRawMessage(topic, partition, message), deps.format, deps.schemaRegistry);
      } catch (error) {
        deadLetters.push({ topic, partition, message, error: asDecodeFailure(error) });
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

    const reread = await retry('reread', () => rereadRows(deps.rows, prepared.rereads));
    for (const item of prepared.rereads) metrics.increment('cdc_rereads', { table: item.entity.table });
    const commits = sourced.filter(({ change }) => registry.byTable(change.table) !== undefined).map(({ change }) => change.committedAtMs);
    return {
      firstOffset: messages[0]?.offset ?? '0',
      lastOffset: messages[messages.length - 1]?.offset ?? '0',
      messages: messages.length,
      schemaChanges,
      batch: { changes: [...prepared.batch.changes, ...reread], truncates: prepared.batch.truncates },
      newestCommitMs: commits.length === 0 ? null : Math.max(...commits),
    };
  };
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
      const found = await rows.selectByIds(
        entity,
        items.map((item) => item.id),
      );
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

import type { Client } from '@elastic/elasticsearch';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { RowSource } from '../../src/db/row-source.js';
import { liveDocument } from '../../src/index/search-documents.js';
import { searchAlias } from '../../src/index/index-manager.js';
import { normalizeRow } from '../../src/rows/normalize-row.js';
import type { Row } from '../../src/rows/row.js';
import type { EntityRegistry } from '../../src/schema/entity-registry.js';
import { isSearchable, rowIdOf } from '../../src/schema/entity.js';
import { decodeMessage } from '../../src/sync/decoders/detect.js';
import { foreignId } from '../../src/sync/appliers/elasticsearch/embed-relevance.js';

/*
 * C1's physical limit: the same final documents the gateway writes (the same bytes: toDocument of the
 * same rows and related rows, the same sync fields), one per change, sent as plain `_bulk` index
 * operations (no versions, no guards, no reads) in the gateway's apply size, one sender per partition,
 * to the same node. Reading, decoding and building the documents happen before the clock starts:
 * only what Elasticsearch does is timed.
 */

export interface RawBulkRequest {
  readonly topic: string;
  readonly messages: number;
  readonly batchSize: number;
  readonly indexPrefix: string;
}

export interface RawBulkResult {
  readonly documents: number;
  readonly seconds: number;
  readonly documentsPerSecond: number;
}

interface Prepared {
  readonly index: string;
  readonly id: string;
  readonly document: Record<string, unknown>;
}

export async function runRawBulk(
  kafka: Kafka,
  client: Client,
  rows: RowSource,
  registry: EntityRegistry,
  request: RawBulkRequest,
): Promise<RawBulkResult> {
  const messages = await readTopic(kafka, request.topic, request.messages);
  const byPartition = await Promise.all([...messages].map(async ([, list]) => prepareDocuments(list, rows, registry, request.indexPrefix)));
  const began = performance.now();
  await Promise.all(byPartition.map((documents) => sendAll(client, documents, request.batchSize)));
  const seconds = (performance.now() - began) / 1000;
  const documents = byPartition.reduce((sum, list) => sum + list.length, 0);
  return { documents, seconds, documentsPerSecond: documents / seconds };
}

async function sendAll(client: Client, documents: readonly Prepared[], batchSize: number): Promise<void> {
  for (let from = 0; from < documents.length; from += batchSize) {
    const operations = documents
      .slice(from, from + batchSize)
      .flatMap(({ index, id, document }) => [{ index: { _index: index, _id: id } }, document]);
    const response = await client.bulk({ operations });
    if (response.errors)
      throw new Error(`raw bulk: ${response.items.filter((item) => item.index?.error !== undefined).length} items failed`);
  }
}

async function prepareDocuments(
  messages: readonly KafkaMessage[],
  rows: RowSource,
  registry: EntityRegistry,
  indexPrefix: string,
): Promise<Prepared[]> {
  const changes = messages.flatMap((message) =>
    decodeMessage(
      { topic: 'c1', partition: 0, offset: message.offset, key: message.key, value: message.value, headers: {} },
      'auto',
    ).flatMap((change) => (change.kind === 'row' ? [change] : [])),
  );
  const relatedIds = new Map<string, Set<string>>();
  const normalized = changes.flatMap((change) => {
    const entity = registry.byTable(change.table);
    if (entity === undefined || !isSearchable(entity) || change.after === null) return [];
    const row = normalizeRow(change.after, entity.columns);
    for (const relation of entity.search.embeds) {
      const id = foreignId(row, relation);
      if (id !== null) relatedIds.set(relation.table, (relatedIds.get(relation.table) ?? new Set()).add(id));
    }
    return [{ entity, row, version: change.version }];
  });
  const related = new Map<string, Map<string, Row>>();
  for (const [table, ids] of relatedIds) {
    const entity = registry.byTable(table);
    if (entity !== undefined) related.set(table, await rows.selectByIds(entity, [...ids]));
  }
  const now = Date.now();
  return normalized.map(({ entity, row, version }) => {
    const relatedRows: Record<string, Row | null> = {};
    const embeds: Record<string, { id: string | null; version: bigint }> = {};
    for (const relation of entity.search.embeds) {
      const id = foreignId(row, relation);
      relatedRows[relation.table] = id === null ? null : (related.get(relation.table)?.get(id) ?? null);
      embeds[relation.table] = { id, version: 0n };
    }
    const id = rowIdOf(row, entity);
    return {
      index: searchAlias(indexPrefix, entity.search),
      id,
      document: liveDocument(entity.search, { row, related: relatedRows }, version, embeds, now),
    };
  });
}

/** The topic's first `count` messages, per partition (untimed). */
async function readTopic(kafka: Kafka, topic: string, count: number): Promise<Map<number, KafkaMessage[]>> {
  const consumer = kafka.consumer({ groupId: `raw-bulk-${process.pid}-${Date.now()}`, maxBytesPerPartition: 10 * 1024 * 1024 });
  const byPartition = new Map<number, KafkaMessage[]>();
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const list = byPartition.get(batch.partition) ?? [];
            for (const message of batch.messages) {
              if (seen >= count) break;
              list.push(message);
              seen += 1;
            }
            byPartition.set(batch.partition, list);
            if (seen >= count) resolve();
            await Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return byPartition;
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { RowDataPacket } from 'mysql2/promise';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { liveDocumentsFilter } from '../../../src/index/search-documents.js';
import { startGatewayProcess } from '../../../src/server/gateway-process.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { testConfig } from '../../support/gateway-harness.js';
import { freePort } from '../ops/gateway-process.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';

const port = await freePort();

describe('first start over an empty search index', { timeout: 300_000 }, () => {
  const run = randomBytes(4).toString('hex');
  // An empty topic of its own: whatever reaches the index can only come from the backfill, not from
  // a new consumer group replaying the CDC history.
  const topic = `it-backfill-${run}`;
  const config = testConfig({
    PORT: String(port),
    KAFKA_GROUP_ID: `it-backfill-${run}`,
    CDC_TOPIC_PATTERN: `^${topic}$`,
    REDIS_KEY_PREFIX: `it:${run}:`,
    ELASTICSEARCH_INDEX_PREFIX: `it-${run}-`,
    RATE_LIMIT_REQUESTS: '0',
  });
  const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 30_000 });
  const reader = createMysqlPool({ url: config.mysql.url, poolSize: 2 });
  let admin: Admin;

  before(async () => {
    admin = createKafka(config.kafka, silentLogger).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  });
  after(async () => {
    await admin.deleteGroups([config.kafka.groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await deleteIndicesWithPrefix(search, config.elasticsearch.indexPrefix);
    await search.close();
    await reader.end();
  });

  it('fills every searchable index from MySQL before the process reports it has started, and only once', async () => {
    const registry = createShopRegistry();
    const searchable = registry.entities.filter((entity) => entity.search !== undefined);
    assert.ok(searchable.length > 0);
    const first = await startGatewayProcess(config, silentLogger, { graphql: false, consumer: true });
    try {
      for (const entity of searchable) {
        const [[counted]] = (await reader.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${entity.table}\``)) as unknown as [
          RowDataPacket[],
        ];
        const rows = Number(counted?.['n']);
        assert.ok(rows > 0, `demo data has no ${entity.table}: npm test seeds it`);
        const alias = searchAlias(config.elasticsearch.indexPrefix, entity.search!);
        await search.indices.refresh({ index: alias });
        const { count } = await search.count({ index: alias, query: liveDocumentsFilter });
        assert.equal(count, rows, `${alias}: ${count} documents for ${rows} rows`);
      }
    } finally {
      await first.shutdown('test');
    }
    // A second start finds the indices filled and leaves them (same index behind the alias).
    const products = searchAlias(config.elasticsearch.indexPrefix, searchable[0]!.search!);
    const before = Object.keys(await search.indices.getAlias({ name: products }));
    const second = await startGatewayProcess(config, silentLogger, { graphql: false, consumer: true });
    await second.shutdown('test');
    assert.deepEqual(Object.keys(await search.indices.getAlias({ name: products })), before);
  });
});

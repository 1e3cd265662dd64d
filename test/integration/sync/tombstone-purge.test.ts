import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { ensureIndices } from '../../../src/index/index-manager.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { categoryEntity } from '../../../src/schema/category.type.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import { defineEntity } from '../../../src/schema/entity.js';
import { createSearchApplier } from '../../../src/sync/appliers/elasticsearch/search-applier.js';
import { scheduleTombstonePurge } from '../../../src/sync/appliers/elasticsearch/tombstone-purge.js';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';

const esUrl = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const readerUrl = process.env['MYSQL_URL'] ?? 'mysql://gateway:gateway@127.0.0.1:3306/shop';

/** Categories are searchable and need no other table: a delete of one leaves exactly one tombstone. */
const categories = defineEntity({ ...categoryEntity, search: { ...categoryEntity.search, embeds: [] } });

describe('scheduled tombstone purge, on real Elasticsearch', () => {
  const tag = randomBytes(4).toString('hex');
  const indexPrefix = `it-${tag}-`;
  const alias = `${indexPrefix}${categories.search.index}`;
  const client = createElasticsearchClient({ url: esUrl, requestTimeoutMs: 10_000 });
  const reader = createMysqlPool({ url: readerUrl, poolSize: 1 });
  const rows = createRowSource({ pool: reader, metrics: createMetrics() });
  const applier = createSearchApplier({ client, rows, registry: createEntityRegistry([categories]), indexPrefix, logger: silentLogger });
  const id = 8_000_000 + randomInt(0, 900_000);

  before(async () => {
    await ensureIndices({ client, registry: createEntityRegistry([categories]), indexPrefix, logger: silentLogger });
    const change = {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: 'categories',
      op: 'delete',
      key: { id },
      after: null,
      before: null,
    } as const;
    await applier.apply({
      changes: [
        { entity: categories, id: String(id), change: { ...change, version: 1000n, committedAtMs: Date.now(), needsReread: false } },
      ],
      truncates: [],
    });
  });

  after(async () => {
    const { indices } = await client.indices.resolveIndex({ name: `${indexPrefix}*` });
    if (indices.length > 0) await client.indices.delete({ index: indices.map((index) => index.name) });
    await Promise.all([client.close(), reader.end()]);
  });

  const tombstonePresent = async () => (await fetch(`${esUrl}/${alias}/_doc/${id}`)).status === 200;

  it('keeps a tombstone younger than the retention, through several runs', async () => {
    assert.equal(await tombstonePresent(), true, 'the delete left a tombstone');
    let runs = 0;
    const purge = scheduleTombstonePurge({
      purge: (ms) => ((runs += 1), applier.purgeTombstones(ms)),
      retentionMs: 3_600_000,
      intervalMs: 100,
      logger: silentLogger,
    });
    await sleep(600);
    await purge.stop();
    assert.ok(runs >= 3, `ran ${runs} times`);
    assert.equal(await tombstonePresent(), true);
  });

  it('purges it once older than the retention, carrying on after a failed run', async () => {
    let calls = 0;
    const purge = scheduleTombstonePurge({
      purge: async (ms) => {
        calls += 1;
        if (calls === 1) throw new Error('Elasticsearch briefly unavailable');
        await client.indices.refresh({ index: alias });
        return applier.purgeTombstones(ms);
      },
      retentionMs: 1,
      intervalMs: 100,
      logger: silentLogger,
    });
    try {
      const deadline = Date.now() + 15_000;
      while ((await tombstonePresent()) && Date.now() < deadline) await sleep(100);
      assert.equal(await tombstonePresent(), false, 'purged within 15 s');
      assert.ok(calls >= 2, 'the run after the failed one purged');
    } finally {
      await purge.stop();
    }
  });

  it('is on by default with a retention as long as Kafka keeps its topics (7 days)', () => {
    const config = loadGatewayConfig({});
    assert.equal(config.elasticsearch.tombstoneRetentionMs, 7 * 24 * 3600 * 1000);
    assert.equal(config.elasticsearch.tombstonePurgeIntervalMs, 3600 * 1000);
  });
});

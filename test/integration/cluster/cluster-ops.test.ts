import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { keyHoldingNodes, scanKeys } from '../../../src/cache/redis-client.js';
import type { CheckDependencies } from '../../../src/check/consistency-check.js';
import { problemsIn, runConsistencyCheck } from '../../../src/check/consistency-check.js';
import { userEntity } from '../../../src/schema/user.type.js';
import type { ClusterGateway } from '../../support/redis-cluster.js';
import { startClusterGateway, startTestCluster } from '../../support/redis-cluster.js';
import { createWriterPool, uniqueId } from '../../support/writer.js';

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
/** Readiness details are shown to an operator key only. */
const operatorKey = 'cluster-operator-key-0123456789';

async function countKeys(gateway: ClusterGateway, pattern: string): Promise<number> {
  let count = 0;
  for await (const keys of scanKeys(gateway.cluster, pattern, 1000)) count += keys.length;
  return count;
}

describe('the rate limit on a Redis Cluster', () => {
  let first: ClusterGateway;
  let second: ClusterGateway;

  before(async () => {
    const nodes = await startTestCluster();
    const keyPrefix = `itc:rl:${randomBytes(4).toString('hex')}:`;
    const env = { RATE_LIMIT_REQUESTS: '4', RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: `ops:${operatorKey}:operator` };
    first = await startClusterGateway(nodes, { keyPrefix, env });
    second = await startClusterGateway(nodes, { keyPrefix, env });
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('shares one budget between two gateway instances and refuses the fifth request with 429', async () => {
    const query = '{ product(id: "1") { id } }';
    for (const gateway of [first, second, first, second]) assert.equal((await gateway.query(query)).status, 200);
    const refused = await second.query(query);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(codeOf(refused.body), 'RATE_LIMITED');
    assert.equal((await first.query(query)).status, 429, 'the other instance refuses too');
    assert.equal(
      first.services.metrics.snapshot().rate_limit_store_unavailable,
      0,
      'the limiter answered from the cluster, never from its in-memory insurance',
    );
    assert.equal(await countKeys(first, `${first.config.redis.keyPrefix}rl:*`), 1, 'one window key, in the cluster');
  });

  it('reports the gateway ready through /readyz with the cluster as its Redis', async () => {
    const response = await fetch(first.api.url.replace(/\/graphql$/, '/readyz'), { headers: { 'x-api-key': operatorKey } });
    const body = (await response.json()) as { dependencies: { redis: { ok: boolean } } };
    assert.equal(body.dependencies.redis.ok, true, JSON.stringify(body));
  });
});

describe('check and repair over a Redis Cluster', () => {
  let gateway: ClusterGateway;
  let writer: Pool;
  let deps: CheckDependencies;
  let userIds: number[];
  const ghosts = Array.from({ length: 9 }, () => uniqueId());

  before(async () => {
    const nodes = await startTestCluster();
    gateway = await startClusterGateway(nodes);
    writer = createWriterPool();
    const [rows] = await writer.query<RowDataPacket[]>('SELECT id FROM users ORDER BY id LIMIT 20');
    userIds = rows.map((row) => Number(row.id));
    const { registry, rows: rowSource, cache, search, config } = gateway.services;
    deps = {
      registry,
      rows: rowSource,
      cache,
      // consistency-check.ts still types its client as a single Redis; it only hands it to the cache check.
      redis: gateway.cluster,
      search,
      keyPrefix: config.redis.keyPrefix,
      indexPrefix: config.elasticsearch.indexPrefix,
      // No consumer writes under this test's own prefix.
      waitForConsumer: () => Promise.resolve(),
    };
  });
  after(async () => {
    await writer.end();
    await gateway.close();
  });

  const check = (repair: boolean) => runConsistencyCheck(deps, { tables: ['users'], batchSize: 100, maxRowsPerSecond: 1_000_000, repair });

  it('finds a stale entry and resurrected entries on every master, and --repair fixes them', async () => {
    const response = await gateway.query(`{ ${userIds.map((id, index) => `u${index}: user(id: "${id}") { id name }`).join(' ')} }`);
    assert.equal(response.body.errors, undefined, response.text);
    const [clean] = await check(false);
    assert.equal(problemsIn(clean!), 0, JSON.stringify(clean));

    const { cache } = gateway.services;
    const staleKey = cache.keyOf(userEntity, String(userIds[0]));
    const entry = (await gateway.cluster.get(staleKey)) ?? '';
    assert.match(entry, /^F\|/);
    await gateway.cluster.set(staleKey, entry.replace(/"name":"[^"]*"/, '"name":"corrupted"'));
    for (const ghost of ghosts) {
      await gateway.cluster.set(
        cache.keyOf(userEntity, String(ghost)),
        `R|${'9'.repeat(19)}|${JSON.stringify({ id: ghost, name: 'ghost' })}`,
      );
    }
    const ghostKeys = new Set(ghosts.map((ghost) => cache.keyOf(userEntity, String(ghost))));
    const mastersWithGhosts = await Promise.all(
      keyHoldingNodes(gateway.cluster).map(async (node) => {
        const [, keys] = await node.scan('0', 'MATCH', `${gateway.config.redis.keyPrefix}users:*`, 'COUNT', 10_000);
        return keys.some((key) => ghostKeys.has(key));
      }),
    );
    assert.ok(mastersWithGhosts.filter(Boolean).length >= 2, 'the planted entries sit on more than one master');

    const [found] = await check(true);
    assert.equal(found?.redis.stale, 1, JSON.stringify(found));
    assert.equal(found?.redis.resurrected, ghosts.length, JSON.stringify(found));
    assert.equal(found?.redis.repaired, 1 + ghosts.length);

    const [after] = await check(false);
    assert.equal(problemsIn(after!), 0, JSON.stringify(after));
    const lookups = await cache.lookup(userEntity, [String(userIds[0]), ...ghosts.map(String)]);
    assert.ok(
      lookups.every((lookup) => lookup.state === 'miss'),
      'repaired entries are invalidations: the next read goes to MySQL',
    );
  });
});

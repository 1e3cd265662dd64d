import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { createEntityCache } from '../../../src/cache/entity-cache.js';
import type { EntityReport } from '../../../src/check/consistency-check.js';
import { problemsIn, runConsistencyCheck } from '../../../src/check/consistency-check.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { waitForGroupCaughtUp } from '../../../src/sync/consumer-lag.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';
import { entitiesNeedingBackfill, reindexDependencies, reindexEntities } from '../../../src/reindex/backfill.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute } from '../../support/writer.js';

/** Where a case's consumer writes: its own group, Redis key prefix and index prefix. */
export interface StoreScope {
  readonly groupId: string;
  readonly keyPrefix: string;
  readonly indexPrefix: string;
}

export interface CheckOutcome {
  readonly problems: number;
  readonly reports: readonly EntityReport[];
}

/**
 * Everything a fault case needs around the stack: an in-process gateway (GraphQL over its own
 * stores), the app's writer, a Kafka admin, optionally the in-process CDC consumer, and `check`.
 */
export interface FaultWorld {
  readonly gateway: GatewayHarness;
  readonly writer: Pool;
  readonly admin: Admin;
  readonly scope: StoreScope;
  readonly topicPattern: RegExp;
  /**
   * Starts the in-process consumer of `scope.groupId` (writing to the harness's stores) at the end
   * of the topics (test/support/topic-positions.ts), after backfilling the empty search indices from
   * MySQL, as a deployment over existing data does.
   */
  startConsumer(): Promise<CdcConsumer>;
  /** Starts a new group (of a consumer in another process) at the end of the topics. */
  skipHistory(groupId: string): Promise<void>;
  stopConsumer(): Promise<void>;
  consumer(): CdcConsumer | null;
  waitForCatchUp(groupId?: string, timeoutMs?: number): Promise<number>;
  /** Runs the consistency check over `tables` in the given stores (default: the harness's). */
  check(scope?: StoreScope, tables?: readonly string[]): Promise<CheckOutcome>;
  /** Rows this case created, deleted from MySQL when the world closes. */
  trackProductIds(ids: readonly number[]): void;
  /** A second set of stores (for consumers in other processes), cleaned up by close. */
  childScope(name: string): StoreScope;
  close(): Promise<void>;
}

export async function openFaultWorld(name: string): Promise<FaultWorld> {
  const unique = randomBytes(4).toString('hex');
  const scope: StoreScope = { groupId: `faults-${name}-${unique}`, keyPrefix: `faults:${unique}:`, indexPrefix: `faults-${unique}-` };
  const gateway = await startHarness({
    env: {
      KAFKA_GROUP_ID: scope.groupId,
      REDIS_KEY_PREFIX: scope.keyPrefix,
      ELASTICSEARCH_INDEX_PREFIX: scope.indexPrefix,
      RATE_LIMIT_REQUESTS: '0',
    },
  });
  const writer = createWriterPool();
  const admin = createKafka(gateway.config.kafka, silentLogger).admin();
  await admin.connect();
  const topicPattern = new RegExp(gateway.config.kafka.topicPattern);
  const products = new Set<number>();
  const extraScopes: StoreScope[] = [];
  let running: CdcConsumer | null = null;

  const waitForCatchUp = async (groupId = scope.groupId, timeoutMs = 300_000) => {
    const began = Date.now();
    await waitForGroupCaughtUp(admin, groupId, topicPattern, timeoutMs);
    return Date.now() - began;
  };

  return {
    gateway,
    writer,
    admin,
    scope,
    topicPattern,
    async startConsumer() {
      await startGroupAtTopicEnds(admin, scope.groupId, topicPattern);
      // As startGatewayProcess does: judge emptiness before the consumer writes, copy while it runs.
      const reindex = reindexDependencies(gateway.services);
      const backfill = await entitiesNeedingBackfill(reindex);
      running = createCdcRuntime(gateway.services);
      await running.start();
      await reindexEntities(reindex, backfill);
      return running;
    },
    skipHistory: (groupId) => startGroupAtTopicEnds(admin, groupId, topicPattern),
    async stopConsumer() {
      await running?.stop();
      running = null;
    },
    consumer: () => running,
    waitForCatchUp,
    async check(target = scope, tables = ['products']) {
      const { registry, rows, redis, search } = gateway.services;
      const reports = await runConsistencyCheck(
        {
          registry,
          rows,
          redis,
          search,
          cache: createEntityCache({ redis, keyPrefix: target.keyPrefix }),
          keyPrefix: target.keyPrefix,
          indexPrefix: target.indexPrefix,
          waitForConsumer: async () => {
            await waitForCatchUp(target.groupId);
          },
        },
        { tables, batchSize: 1000, maxRowsPerSecond: 1_000_000, repair: false },
      );
      const problems = reports.reduce((sum, report) => sum + problemsIn(report), 0);
      if (problems > 0) console.error(`[faults] check found ${problems} problems: ${JSON.stringify(reports)}`);
      return { problems, reports };
    },
    childScope(childName) {
      const suffix = `${childName}${randomBytes(3).toString('hex')}`;
      const child = {
        groupId: `${scope.groupId}-${suffix}`,
        keyPrefix: `${scope.keyPrefix}${suffix}:`,
        indexPrefix: `${scope.indexPrefix}${suffix}-`,
      };
      extraScopes.push(child);
      return child;
    },
    trackProductIds(ids) {
      for (const id of ids) products.add(id);
    },
    async close() {
      await running?.stop().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      const ids = [...products];
      for (let start = 0; start < ids.length; start += 1000) {
        const slice = ids.slice(start, start + 1000);
        await execute(writer, `DELETE FROM products WHERE id IN (${slice.map(() => '?').join(',')})`, slice).catch(() => undefined);
      }
      await writer.end();
      for (const extra of extraScopes) {
        await deleteIndicesWithPrefix(gateway.services.search, extra.indexPrefix).catch(() => undefined);
        const keys = await gateway.services.redis.keys(`${extra.keyPrefix}*`).catch(() => [] as string[]);
        for (let start = 0; start < keys.length; start += 1000) await gateway.services.redis.del(...keys.slice(start, start + 1000));
      }
      await gateway.close();
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { createRedisClient, waitForRedis } from '../../../src/cache/redis-client.js';
import { GatewayError } from '../../../src/errors.js';
import type { RowChange } from '../../../src/sync/change.js';
import type { Row } from '../../../src/rows/row.js';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { keyColumnsOf, rowIdOf } from '../../../src/schema/entity.js';
import type { EntityChange, StoreApplier } from '../../../src/sync/store-applier.js';

/** The services the native stack runs; overridable, but never skipped when unreachable. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const MYSQL_URL = process.env['MYSQL_URL'] ?? 'mysql://gateway:gateway@127.0.0.1:3306/shop';
export const SCHEMA_REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v6';

export const uniqueId = (): string => randomBytes(5).toString('hex');

/** A connected Redis client with the gateway's scripts; rejects loudly when Redis is not there. */
export async function connectRedis(): Promise<Redis> {
  const redis = createRedisClient({ url: REDIS_URL, commandTimeoutMs: 2_000 });
  try {
    await waitForRedis(redis, 5_000);
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${REDIS_URL} is not reachable: is the stack running (npm run stack)?`, { cause: error });
  }
  return redis;
}

/** Deletes every key under a test's own prefix. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export function entityChange(entity: EntityDeclaration, op: RowChange['op'], version: bigint, row: Row): EntityChange {
  const id = rowIdOf(row, entity);
  const key = Object.fromEntries(keyColumnsOf(entity).map((column) => [column, row[column] ?? null]));
  return {
    entity,
    id,
    change: {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: entity.table,
      op,
      key,
      after: op === 'delete' ? null : row,
      before: op === 'delete' ? row : null,
      version,
      committedAtMs: Date.now(),
      needsReread: false,
    },
  };
}

/** Polls until `probe` returns true; fails with `describe()` of the last state after the timeout. */
export async function eventually(
  probe: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms: ${await describe()}`);
}

/** Stands in for a store that is down: fails `failures` times (CACHE_UNAVAILABLE), then delegates. */
export function failingApplier(inner: StoreApplier, failures: number): { applier: StoreApplier; failures: () => number } {
  let failed = 0;
  return {
    applier: {
      store: inner.store,
      apply(batch) {
        if (failed < failures) {
          failed += 1;
          return Promise.reject(new GatewayError('CACHE_UNAVAILABLE', 'simulated outage'));
        }
        return inner.apply(batch);
      },
    },
    failures: () => failed,
  };
}

/** The admin client gives up on one transient coordinator error (seen under load); the test should not. */
export async function memberIds(admin: Admin, groupId: string): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { groups } = await admin.describeGroups([groupId]);
      return (groups[0]?.members ?? []).map(({ memberId }) => memberId).sort();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export function header(message: KafkaMessage | undefined, name: string): string | undefined {
  const value = message?.headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

export async function readDeadLetters(kafka: Kafka, topic: string, count: number, groups: string[]): Promise<KafkaMessage[]> {
  const groupId = `${topic}-reader`;
  groups.push(groupId);
  const reader = kafka.consumer({ groupId });
  const received: KafkaMessage[] = [];
  await reader.connect();
  try {
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        received.push(message);
        return Promise.resolve();
      },
    });
    await eventually(
      () => received.length >= count,
      () => `${received.length} dead letters`,
    );
    return received;
  } finally {
    await reader.disconnect();
  }
}

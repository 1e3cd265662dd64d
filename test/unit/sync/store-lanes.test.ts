import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { Metrics } from '../../../src/observability/metrics.js';
import { col } from '../../../src/rows/column-types.js';
import { defaultCachePolicy, defineEntity } from '../../../src/schema/entity.js';
import type { RowChange, SchemaChange } from '../../../src/sync/change.js';
import { createPartitionPipeline } from '../../../src/sync/partition-pipeline.js';
import type { PreparedChunk } from '../../../src/sync/prepare-chunk.js';
import { RetryAborted } from '../../../src/retry-backoff.js';
import type { ApplyBatch, StoreApplier } from '../../../src/sync/store-applier.js';
import { createStoreLane } from '../../../src/sync/store-lane.js';

const products = defineEntity({
  name: 'Product',
  table: 'products',
  primaryKey: 'id',
  columns: { id: col.bigint(), name: col.string() },
  cache: defaultCachePolicy,
});

/** A chunk of `count` messages from `first`, one row change per message (ids repeat every 3, so merges collapse). */
function chunk(first: number, count: number, schema = false): PreparedChunk {
  const changes = Array.from({ length: count }, (_, index) => {
    const offset = first + index;
    const change: RowChange = {
      kind: 'row',
      format: 'debezium',
      database: 'shop',
      table: 'products',
      op: 'update',
      key: { id: offset % 3 },
      after: { id: offset % 3, name: `at ${offset}` },
      before: null,
      version: BigInt(offset + 1),
      committedAtMs: Date.now() - 50,
      needsReread: false,
    };
    return { entity: products, change, id: String(offset % 3) };
  });
  const ddl: SchemaChange = {
    kind: 'schema',
    format: 'debezium',
    database: 'shop',
    table: 'products',
    ddl: 'ALTER TABLE products ADD COLUMN x INT',
    committedAtMs: 0,
  };
  return {
    firstOffset: String(first),
    lastOffset: String(first + count - 1),
    messages: count,
    schemaChanges: schema ? [{ entity: products, change: ddl }] : [],
    batch: { changes, truncates: [] },
    newestCommitMs: Date.now() - 50,
  };
}

interface Gate {
  readonly open: () => void;
  readonly wait: Promise<void>;
}

function gate(): Gate {
  let open = () => undefined as void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, wait };
}

/** Records what it is asked to do; each apply waits for the gate the test hands it, if any. */
function recordingApplier(store: StoreApplier['store'], options: { gates?: Gate[]; failures?: number } = {}) {
  const calls: string[] = [];
  let failures = options.failures ?? 0;
  const applier: StoreApplier = {
    store,
    async apply(batch: ApplyBatch) {
      calls.push(`apply ${batch.changes.map(({ change }) => (change.after?.['name'] as string | undefined) ?? '').join(',')}`);
      await options.gates?.shift()?.wait;
      if (failures > 0) {
        failures -= 1;
        throw new GatewayError('CACHE_UNAVAILABLE', 'simulated outage');
      }
      return { applied: batch.changes.length, stale: 0 };
    },
    applySchemaChange() {
      calls.push('schema');
      return Promise.resolve();
    },
  };
  return { applier, calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function lane(
  applier: StoreApplier,
  signal: AbortSignal,
  onApplied: (chunks: readonly PreparedChunk[]) => void = () => undefined,
  maxApplyChanges = 100,
) {
  return createStoreLane({
    applier,
    topic: 't',
    partition: 0,
    signal,
    maxApplyChanges,
    retryInitialDelayMs: 5,
    retryMaxDelayMs: 20,
    metrics: createMetrics(),
    logger: silentLogger,
    now: Date.now,
    onApplied,
  });
}

describe('store lane', () => {
  it('applies in order, merging the chunks that queued up while the store was busy, never across a schema change', async () => {
    const first = gate();
    const { applier, calls } = recordingApplier('elasticsearch', { gates: [first] });
    const applied: string[] = [];
    const storeLane = lane(applier, new AbortController().signal, (chunks) =>
      applied.push(chunks.map((item) => item.lastOffset).join('+')),
    );
    storeLane.enqueue(chunk(0, 1));
    storeLane.enqueue(chunk(1, 3));
    storeLane.enqueue(chunk(4, 1));
    storeLane.enqueue(chunk(5, 1, true));
    storeLane.enqueue(chunk(6, 2));
    await settle();
    assert.deepEqual(calls, ['apply at 0'], 'the first chunk is applied at once, the rest wait for it');
    first.open();
    await settle();
    // Offsets 1..4 collapse to the newest change of each of the three rows.
    assert.deepEqual(calls, ['apply at 0', 'apply at 4,at 2,at 3', 'schema', 'apply at 5,at 6,at 7']);
    assert.deepEqual(applied, ['0', '3+4', '5+7']);
    assert.equal(storeLane.state().lastAppliedOffset, '7');
    assert.equal(storeLane.state().heldChanges, 0);
  });

  it('merges no more than maxApplyChanges changes into one apply', async () => {
    const first = gate();
    const { applier, calls } = recordingApplier('redis', { gates: [first] });
    const storeLane = lane(applier, new AbortController().signal, undefined, 2);
    for (let offset = 0; offset < 4; offset += 1) storeLane.enqueue(chunk(offset, 1));
    first.open();
    await settle();
    assert.equal(calls.length, 3, calls.join(' | '));
  });

  it('holds a backlog of the same rows changed again and again as one change per row, so it never runs out of room', async () => {
    const busy = gate();
    const { applier, calls } = recordingApplier('elasticsearch', { gates: [busy] });
    const storeLane = lane(applier, new AbortController().signal);
    for (let offset = 0; offset < 300; offset += 3) storeLane.enqueue(chunk(offset, 3));
    assert.equal(storeLane.state().heldChanges, 6, 'three rows in flight, the same three rows queued');
    await storeLane.waitForRoom(10, new AbortController().signal);
    busy.open();
    await settle();
    assert.deepEqual(calls, ['apply at 0,at 1,at 2', 'apply at 297,at 298,at 299']);
    assert.equal(storeLane.state().lastAppliedOffset, '299');
  });

  it('keeps merging changes of rows already queued past maxApplyChanges messages, since they collapse', async () => {
    const busy = gate();
    const { applier, calls } = recordingApplier('elasticsearch', { gates: [busy] });
    const storeLane = lane(applier, new AbortController().signal, undefined, 4);
    for (let offset = 0; offset < 30; offset += 3) storeLane.enqueue(chunk(offset, 3));
    assert.equal(storeLane.state().heldChanges, 6, 'three rows in flight, the same three rows queued once');
    busy.open();
    await settle();
    assert.deepEqual(calls, ['apply at 0,at 1,at 2', 'apply at 27,at 28,at 29'], 'one apply for the whole backlog');
  });

  it('retries a failing store, reporting it as retrying meanwhile, and then carries on', async () => {
    const outage = gate();
    const { applier, calls } = recordingApplier('redis', { gates: [outage], failures: 3 });
    const storeLane = lane(applier, new AbortController().signal);
    storeLane.enqueue(chunk(0, 1));
    await settle();
    outage.open();
    await settle();
    assert.equal(storeLane.state().retrying?.step, 'redis');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(calls.length, 4);
    assert.equal(storeLane.state().retrying, null);
    assert.equal(storeLane.state().lastAppliedOffset, '0');
  });

  it('makes a producer wait for room while the store is behind, and stops retrying and drops its queue when retired', async () => {
    const { applier, calls } = recordingApplier('elasticsearch', { failures: Number.POSITIVE_INFINITY });
    const storeLane = lane(applier, new AbortController().signal);
    storeLane.enqueue(chunk(0, 3));
    storeLane.enqueue(chunk(3, 3));
    let roomed = false;
    const room = storeLane.waitForRoom(4, new AbortController().signal).then(() => (roomed = true));
    await settle();
    assert.equal(roomed, false, 'six changes held, room for four');
    await storeLane.retire();
    await assert.rejects(room, RetryAborted);
    const attempts = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(calls.length, attempts, 'no retry after retire()');
    assert.equal(storeLane.state().lastAppliedOffset, null);
  });
});

/** Partition 0 of topic `t` over the given stores, with small bounds and fast retries. */
function pipelineOf(appliers: StoreApplier[], metrics: Metrics, onCompleted: (chunk: PreparedChunk) => void) {
  return createPartitionPipeline({
    topic: 't',
    partition: 0,
    appliers,
    signal: new AbortController().signal,
    tuning: { laneCapacity: 100, maxApplyChanges: 100, retryInitialDelayMs: 5, retryMaxDelayMs: 20 },
    metrics,
    logger: silentLogger,
    now: Date.now,
    onCompleted: (_pipeline, chunk) => onCompleted(chunk),
  });
}

describe('partition pipeline', () => {
  it('lets a fast store run ahead of a slow one and completes (for commits) only what both applied', async () => {
    const slow = [gate(), gate()];
    const redis = recordingApplier('redis');
    const search = recordingApplier('elasticsearch', { gates: [...slow] });
    const completed: string[] = [];
    const pipeline = pipelineOf([redis.applier, search.applier], createMetrics(), (item) => completed.push(item.lastOffset));
    pipeline.sawBatch('0', '6');
    pipeline.enqueue(chunk(0, 2));
    pipeline.enqueue(chunk(2, 2));
    pipeline.enqueue(chunk(4, 2));
    await settle();
    const [redisStatus, searchStatus] = pipeline.storeStatuses();
    assert.equal(redisStatus?.status.lastAppliedOffset, '5', 'redis applied everything');
    assert.equal(redisStatus?.status.lag, 0);
    assert.equal(searchStatus?.status.lastAppliedOffset, null, 'elasticsearch is still on its first apply');
    assert.equal(searchStatus?.status.lag, 6);
    assert.equal(pipeline.completedOffset(), null);
    assert.equal(pipeline.status().lag, 6, 'the partition counts as applied where every store applied it');
    slow[0]?.open();
    await settle();
    assert.equal(pipeline.completedOffset(), '1');
    slow[1]?.open();
    await settle();
    assert.equal(pipeline.completedOffset(), '5');
    assert.deepEqual(completed, ['1', '3', '5']);
    assert.equal(pipeline.status().lag, 0);
  });
});

describe('per-store lag gauges', () => {
  it("exports each store's own lag beside cdc_lag, which follows the slowest store", async () => {
    const slow = gate();
    const redis = recordingApplier('redis');
    const search = recordingApplier('elasticsearch', { gates: [slow] });
    const metrics = createMetrics();
    const pipeline = pipelineOf([redis.applier, search.applier], metrics, () => undefined);
    const gauge = (name: string) => metrics.gauges().get(name);
    pipeline.sawBatch('0', '10');
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=elasticsearch}'), 10, 'a fetch publishes the lag before any apply');
    pipeline.enqueue(chunk(0, 4));
    await settle();
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=redis}'), 6);
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=elasticsearch}'), 10);
    assert.equal(gauge('cdc_lag{topic=t,partition=0}'), 10);
    pipeline.sawBatch('4', '20');
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=elasticsearch}'), 20, "a stalled store's lag grows with the partition");
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=redis}'), 16);
    slow.open();
    await settle();
    assert.equal(gauge('cdc_store_lag{topic=t,partition=0,store=elasticsearch}'), 16);
    assert.equal(gauge('cdc_lag{topic=t,partition=0}'), 16);
    const { body } = await metrics.expose();
    assert.match(body, /gateway_cdc_store_lag_messages\{topic="t",partition="0",store="redis"\} 16/);
    assert.match(body, /gateway_cdc_store_lag_messages\{topic="t",partition="0",store="elasticsearch"\} 16/);
  });
});

describe('consumer trace', () => {
  it("reports each store's apply of a chunk with the time it finished", async () => {
    const applied: string[] = [];
    const pipeline = createPartitionPipeline({
      topic: 't',
      partition: 0,
      appliers: [recordingApplier('redis').applier, recordingApplier('elasticsearch').applier],
      signal: new AbortController().signal,
      tuning: { laneCapacity: 100, maxApplyChanges: 100, retryInitialDelayMs: 5, retryMaxDelayMs: 20 },
      metrics: createMetrics(),
      logger: silentLogger,
      now: () => 42,
      onCompleted: () => undefined,
      trace: {
        prepared: () => undefined,
        applied: (store, chunks, atMs) => applied.push(`${store} ${chunks.map((item) => item.lastOffset).join('+')} at ${atMs}`),
      },
    });
    pipeline.sawBatch('0', '2');
    pipeline.enqueue(chunk(0, 2));
    await settle();
    assert.deepEqual(applied.sort(), ['elasticsearch 1 at 42', 'redis 1 at 42']);
  });
});

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ConsumerTrace } from './consumer-trace.js';
import type { FetchedBatch } from './partition-intake.js';
import type { PartitionPipeline } from './partition-pipeline.js';
import type { ChunkPreparer } from './prepare-chunk.js';

export interface PartitionPreparerDependencies {
  readonly prepareChunk: ChunkPreparer;
  readonly topic: string;
  readonly partition: number;
  readonly pipeline: PartitionPipeline;
  readonly chunkSize: number;
  readonly now: () => number;
  /** False once a rebalance replaced this partition's pipeline: a batch outliving its generation must not reach the new one's lanes. */
  readonly isCurrent: () => boolean;
  readonly trace?: ConsumerTrace;
}

/** Prepares one fetched batch in chunks and hands each to the stores' lanes (a partition intake's work). */
export function preparerFor(deps: PartitionPreparerDependencies): (fetched: FetchedBatch, signal: AbortSignal) => Promise<void> {
  const { prepareChunk, topic, partition, pipeline } = deps;
  return async function prepareFetched(fetched, signal) {
    for (let from = 0; from < fetched.messages.length; from += deps.chunkSize) {
      if (!deps.isCurrent()) return;
      const chunk = fetched.messages.slice(from, from + deps.chunkSize);
      const last = chunk[chunk.length - 1];
      if (last === undefined) return;
      await pipeline.waitForRoom(signal);
      const prepared = await prepareChunk(topic, partition, chunk, pipeline.retryFor(chunk[0]?.offset ?? last.offset, signal));
      if (!deps.isCurrent()) return;
      deps.trace?.prepared(prepared, fetched.fetchedAtMs, deps.now());
      pipeline.enqueue(prepared);
      // Every await above may settle without I/O: without this a large fetch is prepared in one
      // long task, and the stores' replies, other partitions and the next fetch wait for its end.
      await yieldToEventLoop();
    }
  };
}

import type { PreparedChunk } from './prepare-chunk.js';
import type { StoreApplier } from './store-applier.js';

/**
 * Optional hooks telling where each chunk is on its way through the consumer, with epoch-ms
 * timestamps (the clock source commits and Kafka records are stamped with). For measuring a
 * pipeline's stages (the bench's F1) without logging per chunk; the hooks run inline and must be
 * cheap and never throw.
 */
export interface ConsumerTrace {
  /** A chunk was decoded and is about to be queued to the stores; `fetchedAtMs`: when its batch reached the consumer. */
  prepared(chunk: PreparedChunk, fetchedAtMs: number, preparedAtMs: number): void;
  /** One store applied these chunks (in one apply) at `atMs`. */
  applied(store: StoreApplier['store'], chunks: readonly PreparedChunk[], atMs: number): void;
}

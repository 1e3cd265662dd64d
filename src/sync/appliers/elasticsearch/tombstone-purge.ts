import type { Logger } from '../../../observability/logger.js';
import { errorMessage } from '../../../errors.js';

/*
 * A deleted row leaves a tombstone document behind: Elasticsearch forgets a delete's version after
 * `index.gc_deletes`, so without it a replayed or late change of the row would index it again. A
 * tombstone is needed only as long as such a change can still arrive, which Kafka's retention bounds
 * (7 days by default, the retention's default here too); older ones are purged on a schedule.
 */

export interface TombstonePurgeOptions {
  /** Deletes tombstones written more than `olderThanMs` ago; resolves to how many. */
  readonly purge: (olderThanMs: number) => Promise<number>;
  readonly retentionMs: number;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export interface TombstonePurge {
  stop(): Promise<void>;
}

/** Purges every `intervalMs` (the first run one interval after start); a failed run is logged and retried at the next. */
export function scheduleTombstonePurge(options: TombstonePurgeOptions): TombstonePurge {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running !== null) return;
    running = purgeOnce(options).finally(() => {
      running = null;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

async function purgeOnce({ purge, retentionMs, logger }: TombstonePurgeOptions): Promise<void> {
  try {
    const purged = await purge(retentionMs);
    if (purged > 0) logger.info({ purged, retentionMs }, 'search tombstones purged');
  } catch (error) {
    logger.warn({ err: errorMessage(error) }, 'search tombstone purge failed; retried at the next interval');
  }
}

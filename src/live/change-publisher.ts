import type { RedisConnection } from '../cache/redis-client.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EntityChange } from '../sync/store-applier.js';
import { encodeLiveChanges, liveChangeOf } from './live-change.js';

/** The pub/sub channel of one deployment: under the key prefix, so gateways sharing a Redis stay apart. */
export const liveChannelOf = (keyPrefix: string): string => `${keyPrefix}live:changes`;

/** A message stays small enough for Redis and for every instance to parse quickly. */
const CHANGES_PER_MESSAGE = 100;

export interface ChangePublisherDependencies {
  /** The consumer's own connection: its PUBLISHes queue behind the writes they announce, in order. */
  readonly redis: RedisConnection;
  readonly channel: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface ChangePublisher {
  /** Announces applied changes; resolves, never rejects (see RedisApplierOptions.onApplied). */
  publish(changes: readonly EntityChange[]): Promise<void>;
}

/**
 * Redis pub/sub fans the events out to every API instance. One connection publishing in apply order
 * keeps each partition's (and so each row's) events in version order. Pub/sub delivers at most once:
 * an event published while an instance is disconnected is lost to it, which subscribers cover by
 * refetching when they (re)subscribe.
 */
export function createChangePublisher(deps: ChangePublisherDependencies): ChangePublisher {
  const { redis, channel, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  let lastWarning = 0;
  return {
    async publish(changes) {
      const publishedAtMs = now();
      const events = changes.map((change) => liveChangeOf(change, publishedAtMs));
      try {
        const sends: Promise<number>[] = [];
        for (let start = 0; start < events.length; start += CHANGES_PER_MESSAGE) {
          sends.push(redis.publish(channel, encodeLiveChanges(events.slice(start, start + CHANGES_PER_MESSAGE))));
        }
        await Promise.all(sends);
        for (const event of events) metrics.increment('live_changes_published', { entity: event.entity });
      } catch (error) {
        metrics.increment('live_publish_failures', {});
        if (now() - lastWarning > 1_000) {
          lastWarning = now();
          logger.warn({ err: errorMessage(error), changes: events.length }, 'change events not published; subscribers miss them');
        }
      }
    },
  };
}

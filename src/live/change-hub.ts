import type { RedisConnection } from '../cache/redis-client.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { BoundedFeed } from './bounded-feed.js';
import { createBoundedFeed } from './bounded-feed.js';
import type { LiveChange } from './live-change.js';
import { decodeLiveChanges } from './live-change.js';
import type { RowVersionGuard } from './row-version-guard.js';
import { createRowVersionGuard } from './row-version-guard.js';

export interface ChangeFilter {
  /** Entity (GraphQL type) name. */
  readonly entity: string;
  /** Only these rows; null: every row of the entity. */
  readonly ids: ReadonlySet<string> | null;
}

export interface ChangeHub {
  /** A feed of the matching changes from now on; iterate it, and stop iterating to unsubscribe. */
  subscribe(filter: ChangeFilter): BoundedFeed<LiveChange>;
  /** Subscriptions open on this instance. */
  size(): number;
  /** Whether some subscription of this instance receives this row's changes. */
  watches(entity: string, id: string): boolean;
  /** Resolves once the channel subscription is active (tests and start-up wait for it). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeHubDependencies {
  /** Duplicated into a subscriber-mode connection of the hub's own. */
  readonly redis: RedisConnection;
  readonly channel: string;
  /** Events a subscriber may have waiting before it is cut off. */
  readonly bufferEvents: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

interface Subscriber {
  readonly feed: BoundedFeed<LiveChange>;
  readonly guard: RowVersionGuard;
}

/** Subscribers of one entity: those of every row, and those of given rows indexed by id. */
interface EntitySubscribers {
  readonly all: Set<Subscriber>;
  readonly byId: Map<string, Set<Subscriber>>;
}

/** A subscriber to every row remembers this many rows' versions; one with ids remembers those. */
const GUARDED_ROWS = 10_000;

/**
 * One per API instance: a single Redis subscription to the change channel, fanned out in memory to
 * the instance's subscriptions. Lookup is by entity and id, so an event costs its own subscribers,
 * not every subscriber of the instance. When the channel connection drops, events published
 * meanwhile are lost to this instance: every open feed is ended (SUBSCRIPTION_INTERRUPTED) so
 * clients resubscribe and refetch instead of trusting a stream with a hole in it.
 */
export function createChangeHub(deps: ChangeHubDependencies): ChangeHub {
  const { channel, metrics, logger } = deps;
  const byEntity = new Map<string, EntitySubscribers>();
  const everyone = new Set<Subscriber>();
  const connection = deps.redis.duplicate();
  let wasReady = false;
  const subscribed = new Promise<void>((resolve) => {
    connection.once('ready', () => {
      connection.subscribe(channel).then(
        () => {
          wasReady = true;
          resolve();
        },
        (error: unknown) => logger.error({ err: errorMessage(error), channel }, 'change channel subscription failed'),
      );
    });
  });
  connection.on('error', () => undefined);
  connection.on('close', () => {
    if (!wasReady) return;
    for (const subscriber of [...everyone]) {
      subscriber.feed.end({
        kind: 'end',
        code: 'SUBSCRIPTION_INTERRUPTED',
        message: 'the gateway lost its change stream for a moment; resubscribe and refetch',
      });
    }
  });
  connection.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const { changes, malformed } = decodeLiveChanges(message);
    if (malformed > 0) metrics.increment('live_malformed_messages', {}, malformed);
    for (const change of changes) dispatch(change);
  });

  function dispatch(change: LiveChange): void {
    const subscribers = byEntity.get(change.entity);
    if (subscribers === undefined) return;
    const rowKey = `${change.entity}:${change.id}`;
    const deliver = (subscriber: Subscriber) => {
      if (subscriber.guard.admit(rowKey, change.version)) subscriber.feed.push(change);
    };
    subscribers.all.forEach(deliver);
    subscribers.byId.get(change.id)?.forEach(deliver);
  }

  function remove(filter: ChangeFilter, subscriber: Subscriber): void {
    everyone.delete(subscriber);
    metrics.setGauge('live_subscriptions', {}, everyone.size);
    const subscribers = byEntity.get(filter.entity);
    if (subscribers === undefined) return;
    if (filter.ids === null) subscribers.all.delete(subscriber);
    for (const id of filter.ids ?? []) {
      const set = subscribers.byId.get(id);
      set?.delete(subscriber);
      if (set?.size === 0) subscribers.byId.delete(id);
    }
    if (subscribers.all.size === 0 && subscribers.byId.size === 0) byEntity.delete(filter.entity);
  }

  return {
    subscribe(filter) {
      let subscriber: Subscriber | null = null;
      const feed = createBoundedFeed<LiveChange>({
        capacity: deps.bufferEvents,
        onClose: () => {
          if (subscriber !== null) remove(filter, subscriber);
        },
        onOverflow: () => metrics.increment('live_subscriptions_overflowed', {}),
      });
      const added: Subscriber = { feed, guard: createRowVersionGuard(filter.ids === null ? GUARDED_ROWS : Math.max(1, filter.ids.size)) };
      subscriber = added;
      const subscribers = byEntity.get(filter.entity) ?? { all: new Set<Subscriber>(), byId: new Map<string, Set<Subscriber>>() };
      byEntity.set(filter.entity, subscribers);
      if (filter.ids === null) subscribers.all.add(added);
      for (const id of filter.ids ?? []) {
        const set = subscribers.byId.get(id) ?? new Set<Subscriber>();
        set.add(added);
        subscribers.byId.set(id, set);
      }
      everyone.add(added);
      metrics.setGauge('live_subscriptions', {}, everyone.size);
      return feed;
    },
    size: () => everyone.size,
    watches(entity, id) {
      const subscribers = byEntity.get(entity);
      return subscribers !== undefined && (subscribers.all.size > 0 || (subscribers.byId.get(id)?.size ?? 0) > 0);
    },
    ready: () => subscribed,
    async close() {
      for (const subscriber of [...everyone])
        subscriber.feed.end({ kind: 'end', code: 'SUBSCRIPTION_INTERRUPTED', message: 'the gateway is shutting down; resubscribe' });
      wasReady = false;
      connection.disconnect();
      await Promise.resolve();
    },
  };
}

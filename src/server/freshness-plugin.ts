import type { ApolloServerPlugin } from '@apollo/server';
import type { FreshnessReader } from '../cache/freshness-reader.js';
import type { StoreWatermark } from '../cache/sync-watermarks.js';
import type { RequestContext } from '../resolvers/request-context.js';
import { MAX_STALENESS_HEADER, maxStalenessHeader, maxStalenessOf } from '../schema/max-staleness.directive.js';
import type { ConsumerStatus } from '../sync/cdc-consumer.js';

/** The request header that asks for `extensions.freshness` in the response. */
export const FRESHNESS_HEADER = 'x-gateway-freshness';

/** What a client learns about how fresh its answer is. */
export interface FreshnessExtension {
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** null when this process runs no CDC consumer (--api-only): its freshness is not known here. */
  readonly consumer: {
    readonly joined: boolean;
    /** Messages not yet applied, summed over partitions (null before the first batch). */
    readonly lagMessages: number | null;
    /** Source commit → applied in every store, for the newest change applied. */
    readonly freshnessLagMs: number | null;
    readonly lastAppliedAgoMs: number | null;
  } | null;
  /** Per store the answer came from: how stale it may be. */
  readonly stores: Readonly<Record<string, StoreFreshness>>;
  /** The bound the request asked for, if any. */
  readonly maxStalenessMs: number | null;
}

/**
 * The staleness bound of one store, from the consumers' watermarks: every change appended to the CDC
 * topics before `appliedThroughMs` is applied there, so the answer misses nothing older than `ageMs`.
 * MySQL is the source itself (age 0). Unknown (no consumer reporting) is null, never a guess.
 */
export interface StoreFreshness {
  readonly appliedThroughMs: number | null;
  readonly ageMs: number | null;
  /** The consumer had reached the topics' end at its latest probe. */
  readonly caughtUp: boolean;
  /** Source commit time of the newest change applied there. */
  readonly newestAppliedCommitMs: number | null;
}

export function consumerFreshness(status: ConsumerStatus, now: number): FreshnessExtension['consumer'] {
  const lags = status.partitions.map((partition) => partition.lag).filter((lag): lag is number => lag !== null);
  const applied = status.partitions.map((partition) => partition.lastAppliedAtMs).filter((at): at is number => at !== null);
  return {
    joined: status.joined,
    lagMessages: lags.length === 0 ? null : lags.reduce((sum, lag) => sum + lag, 0),
    freshnessLagMs: status.lastFreshnessMs,
    lastAppliedAgoMs: applied.length === 0 ? null : Math.max(0, now - Math.max(...applied)),
  };
}

const DATABASE: StoreFreshness = { appliedThroughMs: null, ageMs: 0, caughtUp: true, newestAppliedCommitMs: null };

function storeFreshness(watermark: StoreWatermark | undefined, nowMs: number): StoreFreshness {
  if (watermark === undefined) return { appliedThroughMs: null, ageMs: null, caughtUp: false, newestAppliedCommitMs: null };
  const { appliedThroughMs, caughtUp, newestAppliedCommitMs } = watermark;
  return {
    appliedThroughMs,
    ageMs: appliedThroughMs === null ? null : Math.max(0, nowMs - appliedThroughMs),
    caughtUp,
    newestAppliedCommitMs,
  };
}

const withinBound = (freshness: StoreFreshness, boundMs: number) => freshness.ageMs !== null && freshness.ageMs <= boundMs;

export interface FreshnessSources {
  /** null when this process runs no CDC consumer (--api-only). */
  readonly consumerStatus: (() => ConsumerStatus) | null;
  readonly watermarks: FreshnessReader | null;
  readonly now?: () => number;
}

/**
 * `extensions.freshness` on request (header `x-gateway-freshness: 1`) and whenever the request states a
 * bound (`@maxStaleness(ms:)`, header `x-max-staleness-ms`). With a bound, entity reads skip Redis when
 * its watermark is older than the bound (the loaders read MySQL), and a search answer from an index
 * older than the bound carries a STALE_BEYOND_BOUND warning: never a silently stale answer.
 */
export function freshnessPlugin(sources: FreshnessSources): ApolloServerPlugin<RequestContext> {
  const now = sources.now ?? Date.now;
  const NOTHING: ReadonlyMap<string, StoreWatermark> = new Map();
  const read = () => (sources.watermarks === null ? Promise.resolve(NOTHING) : sources.watermarks.read());
  return {
    requestDidStart({ request }) {
      const headers = request.http?.headers;
      const asked = headers?.get(FRESHNESS_HEADER) !== undefined;
      const headerBound = maxStalenessHeader(headers?.get(MAX_STALENESS_HEADER));
      return Promise.resolve({
        async didResolveOperation({ operation, request: resolved, contextValue }) {
          const bound = (operation === undefined ? null : maxStalenessOf(operation, resolved.variables)) ?? headerBound;
          const { freshness } = contextValue.scope;
          freshness.maxStalenessMs = bound;
          if (bound !== null) freshness.bypassCache = !withinBound(storeFreshness((await read()).get('redis'), now()), bound);
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const { cacheTally, freshness: scope } = contextValue.scope;
          if (!asked && scope.maxStalenessMs === null) return;
          const known = await read();
          const at = now();
          const stores = Object.fromEntries(
            [...scope.touched].map((store) => [store, store === 'mysql' ? DATABASE : storeFreshness(known.get(store), at)]),
          );
          const freshness: FreshnessExtension = {
            cacheHits: cacheTally.hits,
            cacheMisses: cacheTally.misses,
            consumer: sources.consumerStatus === null ? null : consumerFreshness(sources.consumerStatus(), at),
            stores,
            maxStalenessMs: scope.maxStalenessMs,
          };
          const bound = scope.maxStalenessMs;
          const warnings =
            bound === null
              ? []
              : (['elasticsearch', 'elasticsearch-embeds'] as const)
                  .filter((store) => stores[store] !== undefined && !withinBound(stores[store], bound))
                  .map((store) => ({
                    code: 'STALE_BEYOND_BOUND',
                    store,
                    boundMs: bound,
                    ageMs: stores[store]?.ageMs ?? null,
                    message: `${store} may be older than the ${bound} ms asked for`,
                  }));
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, freshness, ...(warnings.length === 0 ? {} : { warnings }) };
        },
      });
    },
  };
}

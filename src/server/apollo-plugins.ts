import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../observability/metrics.js';
import { operationLabel } from '../observability/metrics.js';
import { currentRequestScope } from '../observability/request-scope.js';
import type { RequestContext } from '../resolvers/request-context.js';
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

/**
 * Latency per operation, errors per code, and the operation name for the access log. Errors are
 * read from the formatted response, so a masked internal error counts as INTERNAL_SERVER_ERROR.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart() {
      const started = performance.now();
      return Promise.resolve({
        didResolveOperation({ operationName }) {
          const scope = currentRequestScope();
          if (scope !== undefined) scope.operationName = operationName ?? null;
          return Promise.resolve();
        },
        willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN';
            metrics.increment('graphql_errors', { code });
          }
          metrics.observeRequest(operationLabel(operationName), errors.length === 0 ? 'ok' : 'error', performance.now() - started);
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * On request (header `x-gateway-freshness: 1`), reports the cache hits and misses this request
 * caused and the consumer's current lag, so a client can judge how fresh its answer is.
 */
export function freshnessPlugin(consumerStatus: (() => ConsumerStatus) | null): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart({ request }) {
      if (request.http?.headers.get(FRESHNESS_HEADER) === undefined) return Promise.resolve();
      return Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const scope = currentRequestScope();
          const freshness: FreshnessExtension = {
            cacheHits: scope?.cacheHits ?? 0,
            cacheMisses: scope?.cacheMisses ?? 0,
            consumer: consumerStatus === null ? null : consumerFreshness(consumerStatus(), Date.now()),
          };
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, freshness };
          return Promise.resolve();
        },
      });
    },
  };
}

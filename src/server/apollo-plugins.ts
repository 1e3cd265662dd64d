import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { operationLabel } from '../observability/metrics.js';
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
        didResolveOperation({ operationName, contextValue }) {
          contextValue.scope.operationName = operationName ?? null;
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
        willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const { cacheTally } = contextValue.scope;
          const freshness: FreshnessExtension = {
            cacheHits: cacheTally.hits,
            cacheMisses: cacheTally.misses,
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

/**
 * Which request's logger an error belongs to. Apollo's formatError hook sees only the error, so the
 * error boundary could not put the request id on the line that logs a masked failure; this notes
 * each error's request logger when Apollo reports it (didEncounterErrors runs just before formatting,
 * with the same error objects), and the context factory notes the failures of its own.
 */
export interface ErrorAttribution {
  readonly plugin: ApolloServerPlugin<RequestContext>;
  note(error: unknown, logger: Logger): void;
  /** The logger of the request the error (or the error it wraps) was noted for. */
  loggerFor(error: unknown): Logger | undefined;
}

export function errorAttribution(): ErrorAttribution {
  const loggers = new WeakMap<object, Logger>();
  const note = (error: unknown, logger: Logger) => {
    if (typeof error === 'object' && error !== null) loggers.set(error, logger);
  };
  return {
    plugin: {
      requestDidStart() {
        return Promise.resolve({
          didEncounterErrors({ errors, contextValue }) {
            for (const error of errors) note(error, contextValue.scope.logger);
            return Promise.resolve();
          },
        });
      },
    },
    note,
    loggerFor(error) {
      if (typeof error !== 'object' || error === null) return undefined;
      // Apollo wraps a non-GraphQL failure of context creation in a GraphQLError of its own.
      return loggers.get(error) ?? (error instanceof GraphQLError && error.originalError !== undefined ? loggers.get(error.originalError) : undefined);
    },
  };
}

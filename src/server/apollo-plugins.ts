import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { operationLabel } from '../observability/metrics.js';
import type { RequestContext } from '../resolvers/request-context.js';

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
      return (
        loggers.get(error) ??
        (error instanceof GraphQLError && error.originalError !== undefined ? loggers.get(error.originalError) : undefined)
      );
    },
  };
}

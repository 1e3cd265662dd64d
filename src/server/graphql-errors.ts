import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { isGatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/**
 * The GraphQL boundary: known gateway errors keep their message and get `extensions.code`; errors
 * graphql-js and Apollo raise about the request itself (parse, validation, variable coercion) pass
 * through with their code; anything else thrown inside a resolver is logged and masked, so internals
 * (SQL, hostnames, stack traces) never reach a client.
 */
export function formatGatewayError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (isGatewayError(original)) {
      return { ...base, message: original.message, extensions: { code: original.code } };
    }
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
    const raisedByGraphQL = original === undefined || original === null || original instanceof GraphQLError;
    if (raisedByGraphQL && code !== 'INTERNAL_SERVER_ERROR') {
      return { ...base, extensions: { code: code ?? 'BAD_USER_INPUT' } };
    }
    // Apollo answers some malformed requests (a persisted-query hash that does not match its query,
    // an unsupported persisted-query version) with a code-less error and an HTTP 4xx: the client's.
    const httpStatus = error instanceof GraphQLError ? (error.extensions.http as { status?: unknown } | undefined)?.status : undefined;
    if (raisedByGraphQL && typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
      return { ...base, extensions: { code: 'BAD_REQUEST' } };
    }
    logger.error(
      { err: original instanceof Error ? { message: original.message, stack: original.stack } : String(original), path: formatted.path },
      'internal error',
    );
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

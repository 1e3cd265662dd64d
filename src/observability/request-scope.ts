import type { Logger } from './logger.js';

/** Cache lookups one request caused; the cache-aside reader adds to it (see the freshness extension). */
export interface CacheTally {
  /** Rows answered by Redis, remembered absences included. */
  hits: number;
  misses: number;
}

/** The stores a request's answer came from, and the staleness it accepts (see the freshness extension). */
export interface RequestFreshness {
  readonly touched: Set<'redis' | 'mysql' | 'elasticsearch' | 'elasticsearch-embeds'>;
  /** From `@maxStaleness(ms:)` or the `x-max-staleness-ms` header; null: no bound asked for. */
  maxStalenessMs: number | null;
  /** Set when the bound cannot be guaranteed for Redis: entity reads go to MySQL. */
  bypassCache: boolean;
}

/**
 * What belongs to one HTTP request: its id, a logger that puts the id on every line, the cache hits
 * and misses it caused, and its operation name for the access log. Carried explicitly (in the
 * GraphQL context, in the HTTP handler's closure) rather than in AsyncLocalStorage, whose promise
 * hooks run on every promise of every request and cost more than a cache-hit query itself.
 */
export interface RequestScope {
  readonly requestId: string;
  readonly logger: Logger;
  readonly cacheTally: CacheTally;
  readonly freshness: RequestFreshness;
  /** Set once the operation is resolved, for the access log line. */
  operationName: string | null;
}

/**
 * A child logger bound to the request id, created on first use: most requests log nothing but the
 * access line (which carries the id itself), so most never pay for a child.
 */
function lazyChildLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const bound = (): Logger => (child ??= parent.child(fields));
  return {
    debug: (lineFields, message) => bound().debug(lineFields, message),
    info: (lineFields, message) => bound().info(lineFields, message),
    warn: (lineFields, message) => bound().warn(lineFields, message),
    error: (lineFields, message) => bound().error(lineFields, message),
    child: (more) => bound().child(more),
  };
}

export function createRequestScope(requestId: string, logger: Logger): RequestScope {
  return {
    requestId,
    logger: lazyChildLogger(logger, { requestId }),
    cacheTally: { hits: 0, misses: 0 },
    freshness: { touched: new Set(), maxStalenessMs: null, bypassCache: false },
    operationName: null,
  };
}

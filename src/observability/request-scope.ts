import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What belongs to one HTTP request wherever its work runs: the request id every log line carries,
 * and the cache hits and misses it caused (reported back to the client on request). Async-local,
 * so the cache, loaders and error formatting need no extra parameter to attribute their work.
 */
export interface RequestScope {
  readonly requestId: string;
  cacheHits: number;
  cacheMisses: number;
  /** Set once Apollo has parsed the request, for the access log line. */
  operationName: string | null;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId, cacheHits: 0, cacheMisses: 0, operationName: null }, work);
}

/** The scope of the request being served, or undefined outside a request (consumer, start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

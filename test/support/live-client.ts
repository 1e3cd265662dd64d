import type { Client } from 'graphql-ws';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

export interface LiveResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

/** One subscription's results as they arrive, and how it ended. */
export interface LiveSubscription {
  readonly results: LiveResult[];
  /** Set once the server completed or errored the operation (errors of a refused subscribe land here). */
  ended(): { completed: boolean; error: unknown } | null;
  /** The first result at or after `from` that satisfies `predicate`. */
  waitFor(predicate: (result: LiveResult) => boolean, timeoutMs: number, what: string): Promise<LiveResult>;
  waitForEnd(timeoutMs: number): Promise<{ completed: boolean; error: unknown }>;
  unsubscribe(): void;
}

export interface LiveConnection {
  readonly client: Client;
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  /** The close event of the socket, if it closed (e.g. 4403 for refused credentials). */
  closeEvent(): { code: number; reason: string } | null;
  close(): Promise<void>;
}

/** A graphql-ws client of the gateway at `httpUrl` (its /graphql URL), without retries, so failures show. */
export function connectLive(
  httpUrl: string,
  connectionParams: Record<string, string> = {},
  socketClass: typeof WebSocket = WebSocket,
): LiveConnection {
  let closed: { code: number; reason: string } | null = null;
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: socketClass,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closed = { code, reason };
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    subscribe(query, variables = {}) {
      const results: LiveResult[] = [];
      let end: { completed: boolean; error: unknown } | null = null;
      const unsubscribe = client.subscribe<Record<string, unknown>>(
        { query, variables },
        {
          next: (result) => results.push(result),
          error: (error) => (end = { completed: false, error }),
          complete: () => (end ??= { completed: true, error: null }),
        },
      );
      return {
        results,
        ended: () => end,
        waitFor: (predicate, timeoutMs, what) => waitFor(() => results.find(predicate) ?? null, timeoutMs, what),
        waitForEnd: (timeoutMs) => waitFor(() => end, timeoutMs, 'the subscription ended'),
        unsubscribe,
      };
    },
    closeEvent: () => closed,
    async close() {
      await client.dispose();
    },
  };
}

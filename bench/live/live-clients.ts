import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { serveParent } from '../child-channel.js';

/**
 * The L1 bench's clients, in a process of their own so their work does not load the gateway's: N
 * graphql-ws subscribers of `productChanged(ids: [one product])`, or N pollers of `product(id)`
 * once a second. Each records when it first saw each stock value of its product (the writer sets
 * stock to the commit's sequence number), so the parent can pair it with the commit time.
 */
interface OpenArgs {
  readonly mode: 'subscribe' | 'poll';
  readonly url: string;
  readonly clients: number;
  readonly ids: readonly string[];
  readonly pollIntervalMs: number;
}

/** seq → receive times (epoch ms), one per client that saw it. */
const seen = new Map<number, number[]>();
const subscribers: Client[] = [];
const pollers: NodeJS.Timeout[] = [];
let acknowledged = 0;
let failures = 0;

function record(stock: unknown): void {
  if (typeof stock !== 'number') return;
  const times = seen.get(stock) ?? [];
  times.push(Date.now());
  seen.set(stock, times);
}

function openSubscriber(url: string, id: string): void {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => (failures += 1),
    on: { connected: () => (acknowledged += 1) },
  });
  subscribers.push(client);
  client.subscribe<{ productChanged: { row: { stock: number } | null } }>(
    { query: `subscription { productChanged(ids: ["${id}"]) { row { stock } } }` },
    { next: (result) => record(result.data?.productChanged.row?.stock), error: () => (failures += 1), complete: () => undefined },
  );
}

function openPoller(url: string, id: string, intervalMs: number, offsetMs: number): void {
  let last: number | null = null;
  const body = JSON.stringify({ query: `{ product(id: "${id}") { stock } }` });
  const poll = async () => {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const stock = ((await response.json()) as { data?: { product?: { stock?: number } } }).data?.product?.stock;
      // A poller sees a value from the first poll after it was written: that poll's time is its delivery.
      if (typeof stock === 'number' && stock !== last) {
        last = stock;
        record(stock);
      }
    } catch {
      failures += 1;
    }
  };
  setTimeout(() => {
    acknowledged += 1;
    pollers.push(setInterval(() => void poll(), intervalMs));
  }, offsetMs);
}

serveParent(
  { pid: process.pid },
  {
    open(raw) {
      const args = raw as OpenArgs;
      for (let index = 0; index < args.clients; index += 1) {
        const id = args.ids[index % args.ids.length] ?? '1';
        if (args.mode === 'subscribe') openSubscriber(args.url, id);
        else openPoller(args.url, id, args.pollIntervalMs, Math.floor((index / args.clients) * args.pollIntervalMs));
      }
      return { opened: args.clients };
    },
    status: () => ({ acknowledged, failures }),
    /** Receive times per sequence number since the last call (and forgets them). */
    collect() {
      const result = Object.fromEntries(seen);
      seen.clear();
      return result;
    },
    async close() {
      for (const timer of pollers.splice(0)) clearInterval(timer);
      await Promise.all(
        subscribers.splice(0).map(async (client) => {
          await client.dispose();
        }),
      );
      acknowledged = 0;
      return { closed: true };
    },
  },
);

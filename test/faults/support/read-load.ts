import { setTimeout as sleep } from 'node:timers/promises';

const PRODUCT_QUERY = 'query Product($id: ID!) { product(id: $id) { id name price stock } }';

export interface ReadLoadOptions {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly ids: readonly (number | string)[];
  readonly concurrency: number;
  /** Requests per second across all workers; unlimited when absent (closed loop). */
  readonly targetRps?: number;
  readonly headers?: Record<string, string>;
}

export interface ReadFailure {
  readonly atMs: number;
  readonly reason: string;
}

export interface ReadLoadFigures {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: readonly ReadFailure[];
  readonly elapsedMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface ReadLoad {
  /** Requests completed so far (ok + failed). */
  completed(): number;
  failuresSince(atMs: number): number;
  stop(): Promise<ReadLoadFigures>;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/**
 * Closed-loop (or paced) GraphQL readers of `product(id)`: a request fails when it does not answer
 * 200 with data and no errors, the way a client would see it.
 */
export function startReadLoad(options: ReadLoadOptions): ReadLoad {
  const began = Date.now();
  let stopping = false;
  let ok = 0;
  let sent = 0;
  const failures: ReadFailure[] = [];
  const latencies: number[] = [];
  const intervalMs = options.targetRps === undefined ? 0 : (1000 * options.concurrency) / options.targetRps;

  const readOnce = async (id: number | string) => {
    const start = Date.now();
    sent += 1;
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        // One document with a variable, as real clients send it: ids spliced into the text would make
        // every request a new document and measure the document caches filling instead.
        body: JSON.stringify({ query: PRODUCT_QUERY, variables: { id: String(id) } }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
      if (response.status !== 200 || body.errors !== undefined || body.data === undefined) {
        failures.push({ atMs: Date.now(), reason: `${response.status} ${body.errors?.[0]?.message ?? 'no data'}` });
      } else {
        ok += 1;
      }
    } catch (error) {
      failures.push({ atMs: Date.now(), reason: error instanceof Error ? error.message : String(error) });
    }
    if (latencies.length < 2_000_000) latencies.push(Date.now() - start);
  };

  const worker = async (offset: number) => {
    let next = Date.now() + offset;
    while (!stopping) {
      const id = options.ids[Math.floor(Math.random() * options.ids.length)]!;
      await readOnce(id);
      if (intervalMs > 0) {
        next += intervalMs;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
        else if (wait < -1000) next = Date.now();
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, (_, index) => worker((index * intervalMs) / options.concurrency));

  return {
    completed: () => ok + failures.length,
    failuresSince: (atMs) => failures.filter((failure) => failure.atMs >= atMs).length,
    async stop() {
      stopping = true;
      await Promise.all(workers);
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        sent,
        ok,
        failed: failures.length,
        failures,
        elapsedMs: Date.now() - began,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
      };
    },
  };
}

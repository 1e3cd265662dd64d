import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';
import { emitToParent, runChild, serveParent } from '../child-channel.js';

/**
 * F1's writer, in a process of its own so that the probes' work cannot slow the commits down:
 * autocommit UPDATEs of the given rows (the writer account, MYSQL_WRITER_URL) at `rate` per second,
 * each setting `stock` to its sequence number. Every `sampleEvery`-th commit is reported as an
 * event with its commit time (epoch ms with sub-ms precision, comparable across processes).
 */
export interface WriterRequest {
  readonly ids: readonly number[];
  readonly rate: number;
  readonly seconds: number;
  readonly sampleEvery: number;
}

export interface WriterSample {
  readonly id: number;
  readonly stock: number;
  readonly committedAtMs: number;
}

export interface WriterResult {
  readonly commits: number;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const epochMs = () => performance.timeOrigin + performance.now();

function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const writer = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 32 });
  const run = async ({ ids, rate, seconds, sampleEvery }: WriterRequest): Promise<WriterResult> => {
    const total = Math.round(rate * seconds);
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    let issued = 0;
    // Commits are issued in 5 ms ticks: a timer per commit cannot pace 2 ms apart under load.
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (issued < due && inFlight.size < 64) {
        issued += 1;
        const sequence = issued;
        const id = ids[sequence % ids.length] ?? 0;
        const tracked: Promise<void> = writer
          .query('UPDATE products SET stock = ? WHERE id = ?', [sequence, id])
          .then(() => {
            if (sequence % sampleEvery === 0) emitToParent({ id, stock: sequence, committedAtMs: epochMs() } satisfies WriterSample);
          })
          .finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    return { commits: total, seconds: (performance.now() - started) / 1000 };
  };
  serveParent({}, { run: (args) => run(args as WriterRequest) }, () => writer.end());
  return Promise.resolve();
}

runChild(main);

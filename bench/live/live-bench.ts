import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'mysql2/promise';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import { createMysqlPool } from '../../src/db/mysql-pool.js';
import { silentLogger } from '../../src/observability/logger.js';
import { repoRoot } from '../../src/repo-root.js';
import { createKafka } from '../../src/sync/kafka-client.js';
import { createElasticsearchClient } from '../../src/index/elasticsearch-client.js';
import { startChild } from '../child-process.js';
import { startGroupAtEnd } from '../kafka-groups.js';
import { connectRedis, deleteKeysWithPrefix } from '../redis-keys.js';
import { deleteIndicesWithPrefix } from '../search-indices.js';
import { percentile } from '../stats.js';

/**
 * L1: commit → delivered for live subscriptions, beside polling. Through the real pipeline
 * (MariaDB → Debezium → Kafka → a --sync-only consumer process → Redis → pub/sub → an --api-only
 * gateway process → graphql-ws), with the clients in a process of their own. For each subscriber
 * count: commit → received p50/p99 over every (commit, subscriber) pair, and the API process's RSS;
 * then the same number of clients polling product(id) every second: commit → first poll that saw it,
 * and RSS. `npm run bench -- live [--subscribers 1,100,1000] [--pollers 1000] [--commits 300] [--rate 10]`.
 */
interface LiveBenchOptions {
  readonly subscribers: readonly number[];
  readonly pollers: number;
  readonly commits: number;
  readonly commitsPerSecond: number;
  readonly products: number;
}

export interface LiveRound {
  readonly mode: 'subscribe' | 'poll';
  readonly clients: number;
  readonly deliveries: number;
  readonly expected: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly apiRssMiB: number;
  readonly clientFailures: number;
}

const startScript = fileURLToPath(new URL('../../src/cli/start.js', import.meta.url));
const clientsScript = fileURLToPath(new URL('./live-clients.js', import.meta.url));
/** Far above the demo, test and F1 rows (F1 uses 8,000,000,000 onwards). */
const FIRST_ID = 8_500_000_000;

function parseOptions(argv: readonly string[]): LiveBenchOptions {
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? undefined : argv[index + 1];
  };
  const count = (name: string, fallback: number) => {
    const given = value(name);
    const parsed = given === undefined ? fallback : Number(given);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} takes a whole number, got ${given}`);
    return parsed;
  };
  const subscribers = (value('subscribers') ?? '1,100,1000').split(',').map(Number);
  if (subscribers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--subscribers takes counts like 1,100,1000');
  return {
    subscribers,
    pollers: count('pollers', 1000),
    commits: count('commits', 300),
    commitsPerSecond: count('rate', 10),
    products: count('products', 20),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Math.round(Number(match[1]) / 102.4) / 10;
}

async function startGateway(env: NodeJS.ProcessEnv, flag: '--api-only' | '--sync-only'): Promise<{ child: ChildProcess; origin: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [startScript, '--no-stack', flag], {
    env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the ${flag} gateway exited with ${child.exitCode}`);
    if (
      await fetch(`${origin}/readyz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return { child, origin };
    await sleep(200);
  }
  throw new Error(`the ${flag} gateway was not ready within 120 s`);
}

async function liveSubscriptions(origin: string): Promise<number> {
  const metrics = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^gateway_live_subscriptions (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** Commits `commits` updates at the given rate, stock = sequence number; returns each commit's time. */
async function writeCommits(pool: Pool, ids: readonly number[], first: number, options: LiveBenchOptions): Promise<Map<number, number>> {
  const committed = new Map<number, number>();
  const began = Date.now();
  for (let index = 0; index < options.commits; index += 1) {
    const seq = first + index;
    await sleep(Math.max(0, began + (index * 1000) / options.commitsPerSecond - Date.now()));
    await pool.execute('UPDATE products SET stock = ? WHERE id = ?', [seq, ids[index % ids.length] ?? 0]);
    committed.set(seq, Date.now());
  }
  return committed;
}

/**
 * Client i watches product i mod P and commit k changes product k mod P, so commit k is due to every
 * client watching that product. (Pollers can see fewer: a value overwritten between two polls.)
 */
function expectedDeliveries(clients: number, options: LiveBenchOptions): number {
  const watchers = (product: number) => Math.floor(clients / options.products) + (product < clients % options.products ? 1 : 0);
  let total = 0;
  for (let index = 0; index < options.commits; index += 1) total += watchers(index % options.products);
  return total;
}

export async function runLiveBench(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<LiveRound[]> {
  const options = parseOptions(argv);
  const run = randomBytes(3).toString('hex');
  const benchEnv: NodeJS.ProcessEnv = {
    ...env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_REQUESTS: '0',
    REDIS_KEY_PREFIX: `bench:live-${run}:`,
    ELASTICSEARCH_INDEX_PREFIX: `bench-live-${run}-`,
    KAFKA_GROUP_ID: `bench-live-${run}`,
  };
  const config = loadGatewayConfig(benchEnv);
  const pool = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 2 });
  const ids = Array.from({ length: options.products }, (_, index) => FIRST_ID + index);
  const kafka = createKafka(config.kafka, silentLogger);
  const admin = kafka.admin();
  const processes: ChildProcess[] = [];
  const rounds: LiveRound[] = [];
  await admin.connect();
  try {
    await pool.query(`DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    for (const id of ids) {
      await pool.execute(
        `INSERT INTO products (id, sku, name, category_id, brand, price, stock, status, is_featured, tags) VALUES (?, ?, ?, 1, 'Bench', '1.00', 0, 'active', 0, '[]')`,
        [id, `LIVE-${id}`, `live bench ${id}`],
      );
    }
    await startGroupAtEnd(kafka, admin, config.kafka.groupId, new RegExp(config.kafka.topicPattern));
    const consumer = await startGateway(benchEnv, '--sync-only');
    processes.push(consumer.child);
    const api = await startGateway(benchEnv, '--api-only');
    processes.push(api.child);
    const clients = await startChild<{ pid: number }>(clientsScript, { name: 'live clients', env: benchEnv });
    let seq = 1;
    const plan = [
      ...options.subscribers.map((n) => ({ mode: 'subscribe' as const, n })),
      ...(options.pollers > 0 ? [{ mode: 'poll' as const, n: options.pollers }] : []),
    ];
    for (const { mode, n } of plan) {
      await clients.request('open', { mode, url: `${api.origin}/graphql`, clients: n, ids: ids.map(String), pollIntervalMs: 1000 });
      for (let waited = 0; ; waited += 1) {
        const ready =
          mode === 'subscribe'
            ? (await liveSubscriptions(api.origin)) >= n
            : (await clients.request<{ acknowledged: number }>('status')).acknowledged >= n;
        if (ready) break;
        if (waited > 600) throw new Error(`${n} ${mode} clients did not start within 120 s`);
        await sleep(200);
      }
      await clients.request('collect');
      const committed = await writeCommits(pool, ids, seq, options);
      await sleep(mode === 'poll' ? 3_000 : 2_000);
      const rssAtLoad = rssMiB(api.child.pid ?? 0);
      const received = await clients.request<Record<string, number[]>>('collect');
      const latencies: number[] = [];
      for (const [value, times] of Object.entries(received)) {
        const at = committed.get(Number(value));
        if (at !== undefined) for (const time of times) latencies.push(time - at);
      }
      const { failures } = await clients.request<{ failures: number }>('status');
      await clients.request('close');
      seq += options.commits;
      const round: LiveRound = {
        mode,
        clients: n,
        deliveries: latencies.length,
        expected: expectedDeliveries(n, options),
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
        apiRssMiB: rssAtLoad,
        clientFailures: failures,
      };
      rounds.push(round);
      console.log(
        `L1 ${mode} × ${n}: ${round.deliveries} deliveries, commit → delivered p50 ${round.p50Ms} ms, p99 ${round.p99Ms} ms, API RSS ${round.apiRssMiB} MiB`,
      );
    }
    await clients.stop();
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await pool.query(`DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids).catch(() => undefined);
    await pool.end();
    await admin.deleteGroups([config.kafka.groupId]).catch(() => undefined);
    await admin.disconnect();
    const redis = await connectRedis(config.redis.url);
    await deleteKeysWithPrefix(redis, config.redis.keyPrefix).catch(() => undefined);
    redis.disconnect();
    const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 60_000 });
    await deleteIndicesWithPrefix(search, config.elasticsearch.indexPrefix).catch(() => undefined);
    await search.close();
  }
  const directory = join(repoRoot(), 'bench', 'results');
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, `live-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`),
    `${JSON.stringify({ options, rounds }, null, 2)}\n`,
  );
  return rounds;
}

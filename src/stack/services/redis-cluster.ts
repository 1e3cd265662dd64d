import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../errors.js';
import { livePid, spawnDetached, stopProcessGroup } from '../process-control.js';
import { runCommand } from '../run-command.js';
import { isPortOpen, waitUntil } from '../wait-until.js';

/**
 * A Redis Cluster of masters only (no replicas) on loopback ports, from Debian's redis-server: what
 * the cluster tests run against. Each node keeps its data, nodes.conf, pid file and log under
 * `dir/<port>`. Idempotent: running nodes are kept, dead ones restarted (they rejoin from nodes.conf),
 * and slots are assigned only once, on a cluster that has none yet.
 */
export interface RedisClusterOptions {
  readonly dir: string;
  readonly ports: readonly number[];
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Environment of the redis-server processes (the stack's childEnv). */
  readonly childEnv?: NodeJS.ProcessEnv;
}

const SLOT_COUNT = 16_384;
const nodeDir = (dir: string, port: number) => join(dir, String(port));
const pidFileOf = (dir: string, port: number) => join(nodeDir(dir, port), 'redis.pid.json');

async function cli(port: number, ...args: string[]): Promise<string> {
  const result = await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeoutMs: 5_000 });
  if (result.code !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${(result.stderr + result.stdout).trim()}`);
  return result.stdout.trim();
}

function clusterInfo(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .map((line) => line.split(':', 2) as [string, string])
      .filter(([key]) => key !== ''),
  );
}

async function startNode(dir: string, port: number, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const pidFile = pidFileOf(dir, port);
  const running = livePid(pidFile);
  if (running !== null) return running;
  if (await isPortOpen(port)) {
    throw new GatewayError(
      'STACK_FAILED',
      `redis cluster: port ${port} is in use by a process this stack did not start; choose other REDIS_CLUSTER_PORTS`,
      { details: { service: 'redis-cluster', port } },
    );
  }
  const data = nodeDir(dir, port);
  mkdirSync(data, { recursive: true });
  const configFile = join(data, 'redis.conf');
  // A cache rebuilt from MySQL and the CDC stream needs no persistence; nodes.conf keeps the topology.
  writeFileSync(
    configFile,
    `port ${port}
bind 127.0.0.1
protected-mode yes
dir ${data}
daemonize no
save ""
appendonly no
maxmemory-policy noeviction
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 5000
cluster-require-full-coverage yes
`,
  );
  const pid = spawnDetached({
    command: '/usr/bin/redis-server',
    args: [configFile],
    env,
    cwd: data,
    logFile: join(data, 'redis.log'),
    pidFile,
  });
  log(`redis-cluster: node ${port} started (pid ${pid})`);
  return pid;
}

/** Starts the nodes, joins them and assigns the slots evenly if nobody has any; resolves once the cluster is ok on every node. */
export async function ensureRedisCluster(options: RedisClusterOptions): Promise<{ nodes: string[] }> {
  const { dir, ports } = options;
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  if (ports.length < 3) throw new GatewayError('CONFIG_INVALID', `a redis cluster needs at least 3 masters, got ports ${ports.join(',')}`);
  mkdirSync(dir, { recursive: true });
  const env = options.childEnv ?? { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };
  for (const port of ports) await startNode(dir, port, log, env);
  for (const port of ports) {
    const answered = await waitUntil(async () => (await cli(port, 'ping')) === 'PONG', { timeoutMs, intervalMs: 200 });
    if (!answered.ready)
      throw new GatewayError('STACK_FAILED', `redis cluster node ${port}: ${answered.reason}`, { details: { service: 'redis-cluster' } });
  }
  const [first, ...others] = ports as [number, ...number[]];
  const assigned = await Promise.all(
    ports.map(async (port) => Number(clusterInfo(await cli(port, 'cluster', 'info')).cluster_slots_assigned ?? 0)),
  );
  if (assigned.every((count) => count === 0)) {
    log(`redis-cluster: assigning ${SLOT_COUNT} slots over ${ports.length} masters`);
    for (const port of others) await cli(first, 'cluster', 'meet', '127.0.0.1', String(port));
    const share = Math.ceil(SLOT_COUNT / ports.length);
    for (const [index, port] of ports.entries()) {
      const from = index * share;
      const to = Math.min(SLOT_COUNT, from + share) - 1;
      await cli(port, 'cluster', 'addslotsrange', String(from), String(to));
    }
  }
  const converged = await waitUntil(
    async () => {
      for (const port of ports) {
        const info = clusterInfo(await cli(port, 'cluster', 'info'));
        if (
          info.cluster_state !== 'ok' ||
          Number(info.cluster_known_nodes) !== ports.length ||
          Number(info.cluster_slots_ok) !== SLOT_COUNT
        )
          return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 250 },
  );
  if (!converged.ready) {
    throw new GatewayError(
      'STACK_FAILED',
      `redis cluster on ports ${ports.join(',')} did not reach cluster_state:ok: ${converged.reason}; a stale ${dir} can be deleted once the nodes are stopped`,
      {
        details: { service: 'redis-cluster' },
      },
    );
  }
  return { nodes: ports.map((port) => `127.0.0.1:${port}`) };
}

/** Stops the nodes this project started (by their pid files); returns how many were running. */
export async function stopRedisCluster(options: Pick<RedisClusterOptions, 'dir' | 'ports'>): Promise<number> {
  const stopped = await Promise.all(options.ports.map((port) => stopProcessGroup(pidFileOf(options.dir, port), 10_000)));
  return stopped.filter(Boolean).length;
}

/**
 * Stops every node ever started under `dir`, whatever ports it used: `npm run stack -- down` must
 * leave no process behind, or the next clone's cluster finds its ports taken.
 */
export async function stopRedisClusterIn(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  const ports = readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return stopRedisCluster({ dir, ports });
}

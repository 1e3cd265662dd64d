import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../integration/ops/gateway-process.js';
import type { StoreScope } from './fault-world.js';

/** The compiled sync CLI next to this compiled file (dist/ or a private --outDir alike). */
const syncScript = fileURLToPath(new URL('../../../src/cli/sync.js', import.meta.url));
/** The full gateway (API and consumer); pass `--no-stack` so it never manages the stack itself. */
export const startScript = fileURLToPath(new URL('../../../src/cli/start.js', import.meta.url));

export interface SyncProcess {
  readonly child: ChildProcess;
  /** http://host:port, for the API of a full gateway process. */
  readonly origin: string;
  readonly readyUrl: string;
  readonly pid: number;
  /** Resident set size in KiB, from /proc (null once the process is gone). */
  rssKiB(): number | null;
  /** What the consumer reports on /readyz: partitions held, lag, retrying partitions. */
  consumerDetail(): Promise<{ partitions: number; lagMessages: number | null; retrying: string[] } | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
  output(): string;
}

export function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * `node sync.js` (the consumer-only gateway process) over the given stores, as an operator runs it;
 * resolves once /readyz is green (the consumer joined its group and every dependency answers).
 */
const operatorKey = 'fault-suite-operator-key-0123456789';

export async function spawnSyncProcess(
  scope: StoreScope,
  options: { readyTimeoutMs?: number; script?: string; args?: readonly string[]; env?: Record<string, string> } = {},
): Promise<SyncProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [options.script ?? syncScript, ...(options.args ?? [])], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: scope.groupId,
      REDIS_KEY_PREFIX: scope.keyPrefix,
      ELASTICSEARCH_INDEX_PREFIX: scope.indexPrefix,
      // /readyz shows the consumer's detail to an operator key only.
      API_KEYS: `faults:${operatorKey}:operator`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const readyUrl = `http://127.0.0.1:${port}/readyz`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  for (;;) {
    const ready = await fetch(readyUrl, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the sync process did not become ready (exit ${child.exitCode}):\n${output}`);
    }
    await sleep(250);
  }
  const pid = child.pid ?? 0;
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    readyUrl,
    pid,
    rssKiB: () => rssOf(pid),
    async consumerDetail() {
      const body = await fetch(readyUrl, { headers: { 'x-api-key': operatorKey }, signal: AbortSignal.timeout(5_000) })
        .then((response) => response.json() as Promise<Record<string, unknown>>)
        .catch(() => null);
      return findConsumerDetail(body);
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
    output: () => output,
  };
}

/** The consumer's readiness detail, wherever /readyz nests it. */
function findConsumerDetail(body: unknown): { partitions: number; lagMessages: number | null; retrying: string[] } | null {
  if (body === null || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  if (typeof record.partitions === 'number' && Array.isArray(record.retrying))
    return record as unknown as { partitions: number; lagMessages: number | null; retrying: string[] };
  for (const value of Object.values(record)) {
    const found = findConsumerDetail(value);
    if (found !== null) return found;
  }
  return null;
}

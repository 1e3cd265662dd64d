import { readFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Pool, RowDataPacket } from 'mysql2/promise';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly loadAverageAtStart: readonly number[];
}

/** The 1/5/15-minute load averages now: other work on the machine shows up here. */
export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadAverage(),
  };
}

const PACKAGES = [
  '@apollo/server',
  'graphql',
  'type-graphql',
  'dataloader',
  'ioredis',
  'mysql2',
  'kafkajs',
  '@elastic/elasticsearch',
  'autocannon',
] as const;

async function packageVersion(root: string, name: string): Promise<string> {
  try {
    const text = await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** Versions of the services (asked of the running servers) and of the libraries on the measured paths. */
export async function serviceVersions(
  root: string,
  clients: { pool: Pool; redis: Redis; search: Client },
  stack: { kafka: string; debezium: string },
): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  const [rows] = await clients.pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
  versions['MariaDB/MySQL'] = String(rows[0]?.['version'] ?? 'unknown');
  const info = await clients.redis.info('server');
  versions['Redis'] = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  // GET / answers 405 on the stack's integration-test build; node info carries the version too.
  const nodes = (await clients.search.nodes.info({ filter_path: 'nodes.*.version' })).nodes ?? {};
  versions['Elasticsearch'] = Object.values(nodes)[0]?.version ?? 'unknown';
  versions['Kafka (stack config)'] = stack.kafka;
  versions['Debezium (stack config)'] = stack.debezium;
  for (const name of PACKAGES) versions[name] = await packageVersion(root, name);
  return versions;
}

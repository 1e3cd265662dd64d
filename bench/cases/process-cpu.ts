import { readFile, readdir } from 'node:fs/promises';

/*
 * Where the machine's cores went over a window, by process role (Elasticsearch, Kafka, Kafka
 * Connect, MariaDB, the gateway's processes, the bench's own children…), read from /proc. On two
 * cores every figure of F1 depends on who else was running: this says who.
 */

export interface RoleCpu {
  readonly role: string;
  /** CPU time over the window ÷ its length, in % of one core. */
  readonly percentOfCore: number;
}

export interface MachineCpu {
  readonly seconds: number;
  /** Busy share of all cores (100 = every core busy the whole window). */
  readonly busyPercent: number;
  readonly roles: readonly RoleCpu[];
}

const TICKS_PER_SECOND = 100;

const ROLES: readonly (readonly [string, RegExp])[] = [
  ['Elasticsearch', /org\.elasticsearch\.bootstrap|elasticsearch-\d/],
  ['Kafka Connect (Debezium)', /org\.apache\.kafka\.connect\.cli\.Connect/],
  ['Kafka broker', /kafka\.Kafka\b/],
  ['schema registry', /schema-registry|apicurio/],
  ['MariaDB', /mariadbd|mysqld/],
  ['Redis', /redis-server/],
  ['gateway API + consumer (one process)', /f1-gateway\.js --api .*--consumer/],
  ['gateway API', /f1-gateway\.js --api/],
  ['gateway consumer', /f1-gateway\.js/],
  ['F1 writer', /writer-worker\.js/],
  ['F1 Kafka watcher', /kafka-watcher\.js/],
  ['bench (probes, this process)', /run-bench\.js/],
];

interface Snapshot {
  readonly atMs: number;
  readonly ticksByPid: ReadonlyMap<number, { readonly role: string; readonly ticks: number }>;
  readonly machine: { readonly busy: number; readonly total: number };
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

async function snapshot(): Promise<Snapshot> {
  const ticksByPid = new Map<number, { role: string; ticks: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [stat, cmdline] = await Promise.all([readFile(`/proc/${entry}/stat`, 'utf8'), readFile(`/proc/${entry}/cmdline`, 'utf8')]);
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(after[11]) + Number(after[12]);
      const command = cmdline.replaceAll('\0', ' ');
      const role = ROLES.find(([, pattern]) => pattern.test(command))?.[0] ?? 'other';
      ticksByPid.set(Number(entry), { role, ticks });
    } catch {
      // The process exited between readdir and read.
    }
  }
  return { atMs: Date.now(), ticksByPid, machine: await machineTicks() };
}

/** Starts the window now; the returned function ends it. Processes that start inside the window count from zero. */
export async function watchMachineCpu(): Promise<() => Promise<MachineCpu>> {
  const before = await snapshot();
  return async () => {
    const after = await snapshot();
    const seconds = (after.atMs - before.atMs) / 1000;
    const byRole = new Map<string, number>();
    for (const [pid, { role, ticks }] of after.ticksByPid) {
      const used = ticks - (before.ticksByPid.get(pid)?.ticks ?? 0);
      byRole.set(role, (byRole.get(role) ?? 0) + used);
    }
    const roles = [...byRole]
      .map(([role, ticks]) => ({ role, percentOfCore: (100 * ticks) / TICKS_PER_SECOND / seconds }))
      .filter((entry) => entry.percentOfCore >= 0.5)
      .sort((a, b) => b.percentOfCore - a.percentOfCore);
    const total = after.machine.total - before.machine.total;
    return { seconds, busyPercent: total === 0 ? 0 : (100 * (after.machine.busy - before.machine.busy)) / total, roles };
  };
}

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Pid files record the pid and the kernel's start time of the process, so a pid reused by an
 * unrelated process after a crash or reboot is recognised as stale and never signalled.
 */
interface PidRecord {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
}

export interface SpawnRequest {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
}

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); fields after the parenthesised command name are space separated.
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19] ?? null;
  } catch {
    return null;
  }
}

/** Starts a service in its own process group, detached from this CLI, output appended to its log. */
export function spawnDetached(request: SpawnRequest): number {
  const log = openSync(request.logFile, 'a');
  try {
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${request.command}`);
    child.unref();
    const record: PidRecord = {
      pid: child.pid,
      startTime: processStartTime(child.pid) ?? '',
      command: [request.command, ...request.args].join(' '),
    };
    writeFileSync(request.pidFile, JSON.stringify(record));
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The pid of a live process this stack started, or null (a stale pid file is removed). */
export function livePid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    rmSync(pidFile, { force: true });
    return null;
  }
  const startTime = processStartTime(record.pid);
  if (startTime === null || (record.startTime !== '' && startTime !== record.startTime) || isZombie(record.pid)) {
    rmSync(pidFile, { force: true });
    return null;
  }
  return record.pid;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the whole process group the stack started (services such as Elasticsearch fork a child
 * JVM): SIGTERM, then SIGKILL after the grace period.
 */
export async function stopProcessGroup(pidFile: string, graceMs: number): Promise<boolean> {
  const pid = livePid(pidFile);
  if (pid === null) return false;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone between the check and the kill.
    }
    while (groupAlive(pid)) await sleep(100);
  }
  rmSync(pidFile, { force: true });
  return true;
}

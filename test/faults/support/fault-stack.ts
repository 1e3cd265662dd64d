import { setTimeout as sleep } from 'node:timers/promises';
import { loadStackConfig } from '../../../src/config/stack-config.js';
import { repoRoot } from '../../../src/repo-root.js';
import { livePid, stopProcessGroup } from '../../../src/stack/process-control.js';
import { createStackContext, stackStatus, stackUp } from '../../../src/stack/stack.js';
import type { ServiceName } from '../../../src/stack/stack-context.js';
import { pidFileOf } from '../../../src/stack/stack-context.js';

/**
 * The local stack the suite injects faults into, driven through the project's own stack control
 * (pid files, process groups, readiness probes), so every service it takes down comes back the way
 * `npm run stack -- up` brings it up.
 */
export const faultStack = createStackContext(loadStackConfig(process.env, repoRoot()), process.env, (line) =>
  console.error(`[stack] ${line}`),
);

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL to the service's whole process group: a crash, not a shutdown (no flush, no goodbye). */
export async function killService(service: ServiceName): Promise<number> {
  const pidFile = pidFileOf(faultStack, service);
  const pid = livePid(pidFile);
  if (pid === null) throw new Error(`${service} is not running: cannot inject a fault into it`);
  process.kill(-pid, 'SIGKILL');
  while (groupAlive(pid)) await sleep(50);
  return pid;
}

/** A clean stop (SIGTERM, SIGKILL after 30 s), as an operator or an orchestrator would. */
export async function stopService(service: ServiceName): Promise<void> {
  if (!(await stopProcessGroup(pidFileOf(faultStack, service), 30_000))) throw new Error(`${service} was not running`);
}

/** Starts the service again and resolves once its readiness probe (and initialisation) passed. */
export async function startService(service: ServiceName): Promise<number> {
  const began = Date.now();
  await stackUp(faultStack, [service]);
  return Date.now() - began;
}

/**
 * Brings back every service that is not running: the `after` hook of every fault file, so a failing
 * case never leaves the stack half down for the next one.
 */
export async function restoreStack(): Promise<void> {
  const down = (await stackStatus(faultStack)).filter((row) => row.state !== 'running');
  if (down.length > 0) {
    console.error(`[faults] restoring ${down.map((row) => row.service).join(', ')}`);
    await stackUp(faultStack);
  }
}

/** Fails loudly when the stack is not fully up: a fault case on a broken stack proves nothing. */
export async function assertStackRunning(): Promise<void> {
  const rows = await stackStatus(faultStack);
  const down = rows.filter((row) => row.state !== 'running');
  if (down.length > 0)
    throw new Error(`the stack is not fully up (${down.map((row) => `${row.service}: ${row.state}`).join(', ')}); run npm run stack -- up`);
}

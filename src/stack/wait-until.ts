import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it resolves true or the deadline passes; returns the last failure reason. */
/** Thrown by a probe when waiting longer cannot help (a connector that FAILED). */
export class FatalProbeError extends Error {
  override readonly name = 'FatalProbeError';
}

export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; isAlive?: () => boolean },
): Promise<{ ready: boolean; reason: string }> {
  const deadline = Date.now() + options.timeoutMs;
  let reason = 'timed out';
  while (Date.now() < deadline) {
    if (options.isAlive !== undefined && !options.isAlive()) return { ready: false, reason: 'process exited' };
    try {
      if (await probe()) return { ready: true, reason: '' };
    } catch (error) {
      if (error instanceof FatalProbeError) return { ready: false, reason: error.message };
      reason = error instanceof Error ? error.message : String(error);
    }
    await sleep(options.intervalMs ?? 500);
  }
  return { ready: false, reason: `not ready after ${Math.round(options.timeoutMs / 1000)} s (${reason})` };
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

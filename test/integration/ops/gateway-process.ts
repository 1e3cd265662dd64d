import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled CLI next to this compiled test (dist/ in npm test, any --outDir in private builds). */
const startScript = fileURLToPath(new URL('../../../src/cli/start.js', import.meta.url));

/** A port nobody listens on right now: the child must be told its port, PORT=0 would hide it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface GatewayProcess {
  readonly origin: string;
  readonly child: ChildProcess;
  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  output(): string;
  /** Resolves with the exit code and how long after `since` the process exited. */
  exited(since: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

/** `node start.js --no-stack` as an operator runs it, on a port of its own. */
export async function spawnGateway(env: Record<string, string>, args: readonly string[] = []): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', startScript, '--no-stack', ...args], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${origin}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not become ready (exit ${child.exitCode}):\n${stderr}\n${stdout.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    origin,
    child,
    output: () => `${stderr}\n${stdout}`,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited: async (since) => {
      const { code, signal, at } = await exit;
      return { code, signal, afterMs: at - since };
    },
  };
}

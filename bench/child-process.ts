import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * Bench processes (load generator, servers, consumers) run as forked children so that the process
 * under measurement shares nothing with the one measuring it. They talk over the IPC channel: the
 * child announces `ready` once listening, then answers numbered requests; `stop` makes it exit
 * cleanly (so `--cpu-prof` writes its profile).
 */
export type ParentMessage = { readonly type: 'request'; readonly id: number; readonly command: string; readonly args: unknown };

export type ChildMessage =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string }
  /** Something the child reports while a request runs (e.g. each sampled commit of F1's writer). */
  | { readonly type: 'event'; readonly payload: unknown };

export interface BenchChild<Ready> {
  readonly pid: number;
  readonly name: string;
  readonly ready: Ready;
  request<T>(command: string, args?: unknown): Promise<T>;
  /** Receives the child's events. */
  onEvent(listener: (payload: unknown) => void): void;
  /** Asks the child to exit and waits for it (killed after `graceMs`); resolves with its exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartChildOptions {
  readonly name: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Show the child's stdout and stderr (its logs); otherwise only stderr's tail is kept, for error messages. */
  readonly forwardStderr?: boolean;
}

const STDERR_TAIL_BYTES = 4_000;

export function startChild<Ready>(script: string, options: StartChildOptions): Promise<BenchChild<Ready>> {
  const child = fork(script, [...(options.args ?? [])], {
    env: options.env ?? process.env,
    execArgv: [...(options.execArgv ?? [])],
    // Gateways log (pino) to stdout: shown only when forwarding, like stderr.
    stdio: ['ignore', options.forwardStderr === true ? 'inherit' : 'ignore', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    if (options.forwardStderr === true) process.stderr.write(chunk);
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const eventListeners: ((payload: unknown) => void)[] = [];
  const exitedPromise = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      for (const { reject } of pending.values()) reject(childFailure(options.name, 'exited', exited, stderrTail));
      pending.clear();
      resolve(code);
    });
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms\n${stderrTail}`));
    }, options.readyTimeoutMs ?? 60_000);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(childFailure(options.name, 'exited before it was ready', exited, stderrTail));
    });
    child.on('message', (raw: unknown) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(handle(child, message.info as Ready));
      } else if (message.type === 'event') {
        for (const listener of eventListeners) listener(message.payload);
      } else if (message.type === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(`${options.name}: ${message.error}`));
        else waiter?.resolve(message.result);
      }
    });
  });

  function handle(proc: ChildProcess, ready: Ready): BenchChild<Ready> {
    return {
      pid: proc.pid ?? -1,
      name: options.name,
      ready,
      request<T>(command: string, args?: unknown): Promise<T> {
        if (exited !== null) return Promise.reject(childFailure(options.name, 'has exited', exited, stderrTail));
        const id = nextId++;
        return new Promise<T>((resolveRequest, rejectRequest) => {
          pending.set(id, { resolve: (value) => resolveRequest(value as T), reject: rejectRequest });
          const message: ParentMessage = { type: 'request', id, command, args };
          proc.send(message);
        });
      },
      onEvent(listener) {
        eventListeners.push(listener);
      },
      async stop(graceMs = 15_000) {
        if (exited !== null) return exited.code;
        const killer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        if (proc.connected) proc.send({ type: 'request', id: 0, command: 'stop', args: null } satisfies ParentMessage);
        else proc.kill('SIGTERM');
        const code = await exitedPromise;
        clearTimeout(killer);
        return code;
      },
    };
  }
}

function childFailure(
  name: string,
  what: string,
  exit: { code: number | null; signal: NodeJS.Signals | null } | null,
  stderrTail: string,
): Error {
  const how = exit === null ? '' : exit.signal !== null ? ` (signal ${exit.signal})` : ` (code ${exit.code})`;
  return new Error(`${name} ${what}${how}${stderrTail.trim() === '' ? '' : `:\n${stderrTail.trim()}`}`);
}

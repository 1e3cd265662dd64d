import type { ChildMessage, ParentMessage } from './child-process.js';

export type CommandHandlers = Readonly<Record<string, (args: unknown) => unknown>>;

/**
 * The child's side of child-process.ts: announces readiness, answers the parent's requests one
 * handler per command, and on `stop` (or a lost parent) runs `onStop` and exits with code 0.
 */
export function serveParent(info: unknown, handlers: CommandHandlers, onStop: () => Promise<void> = () => Promise.resolve()): void {
  if (process.send === undefined) throw new Error('a bench child must be started with an IPC channel (fork)');
  const send = (message: ChildMessage) => process.send?.(message);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    onStop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    if (message.type !== 'request') return;
    if (message.command === 'stop') return stop();
    const handler = handlers[message.command];
    if (handler === undefined) {
      send({ type: 'reply', id: message.id, error: `unknown command ${message.command}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (result) => send({ type: 'reply', id: message.id, result }),
        (error: unknown) =>
          send({ type: 'reply', id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  send({ type: 'ready', info });
}

/** Sends an event to the parent (see BenchChild.onEvent). */
export function emitToParent(payload: unknown): void {
  process.send?.({ type: 'event', payload } satisfies ChildMessage);
}

/** What every bench child reports about itself: CPU time (all threads) and memory. */
export function processUsage(): { cpuSeconds: number; rssBytes: number; heapUsedBytes: number } {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
}

/** A child's entry point: runs main and exits non-zero with the message on stderr if it fails to start. */
export function runChild(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayServices } from './gateway-services.js';

export interface DependencyHealth {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  }
}

export type ReadinessCheck = () => Promise<DependencyHealth>;

/** /healthz says the process is alive; /readyz checks each dependency and answers 503 if one fails. */
export function healthRoutes(services: GatewayServices, extraChecks: Readonly<Record<string, ReadinessCheck>> = {}) {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };
  return {
    '/healthz': (_request: IncomingMessage, response: ServerResponse) => send(response, 200, { status: 'ok' }),
    '/readyz': async (_request: IncomingMessage, response: ServerResponse) => {
      const checks: Record<string, ReadinessCheck> = {
        mysql: () => probe(() => services.pool.query('SELECT 1'), 1_000),
        redis: () => probe(() => services.redis.ping(), 1_000),
        elasticsearch: () => probe(() => services.search.cluster.health({}, { requestTimeout: 1_000, maxRetries: 0 }), 1_000),
        ...extraChecks,
      };
      const results = Object.fromEntries(await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check()] as const)));
      const ready = Object.values(results).every((result) => result.ok);
      send(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', dependencies: results });
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiKeyGrant } from '../auth/authenticate.js';
import { Roles } from '../auth/viewer.js';
import { pingRedis } from '../cache/redis-client.js';
import type { ConsumerStatus } from '../sync/cdc-consumer.js';
import type { GatewayServices } from './gateway-services.js';

export interface DependencyHealth {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A dependency that does not answer within this is as good as down for a readiness probe. */
const PROBE_TIMEOUT_MS = 1_000;

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export type ReadinessCheck = () => Promise<DependencyHealth>;

/** Ready while the consumer is a member of its group (between a rebalance and the next join it is not). */
export function consumerReadiness(status: () => ConsumerStatus): ReadinessCheck {
  return () => {
    const current = status();
    // Each store applies at its own pace: its own lag says which one is behind.
    const stores =
      current.stores === undefined
        ? {}
        : { stores: Object.fromEntries(current.stores.map((store) => [store.store, lagSummary(store.partitions)])) };
    const detail = { partitions: current.partitions.length, ...lagSummary(current.partitions), ...stores };
    return Promise.resolve(
      current.joined
        ? { ok: true, latencyMs: 0, detail }
        : { ok: false, latencyMs: 0, error: 'not a member of the consumer group', detail },
    );
  };
}

function lagSummary(partitions: ConsumerStatus['partitions']) {
  const lags = partitions.map((partition) => partition.lag).filter((lag): lag is number => lag !== null);
  return {
    lagMessages: lags.length === 0 ? null : lags.reduce((sum, lag) => sum + lag, 0),
    retrying: partitions.filter((partition) => partition.retrying !== null).map((partition) => `${partition.topic}:${partition.partition}`),
  };
}

export interface HealthOptions {
  readonly extraChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** True once shutdown began: readiness goes red first, so load balancers stop sending traffic. */
  readonly draining?: () => boolean;
}

type DependencyResults = Readonly<Record<string, DependencyHealth>>;

/**
 * One round of dependency checks shared by every probe within `cacheMs` (and by the probes that
 * arrive while it runs): a flood of /readyz requests costs the dependencies one check per period.
 */
function cachedChecks(checks: Readonly<Record<string, ReadinessCheck>>, cacheMs: number): () => Promise<DependencyResults> {
  let round: Promise<DependencyResults> | null = null;
  // When the current round finished (null while it runs): it is reused for cacheMs from then.
  let finishedAt: number | null = null;
  return () => {
    if (round === null || (finishedAt !== null && performance.now() - finishedAt >= cacheMs)) {
      finishedAt = null;
      const current = Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check()] as const)).then((entries) =>
        Object.fromEntries(entries),
      );
      round = current;
      void current.then(() => {
        if (round === current) finishedAt = performance.now();
      });
    }
    return round;
  };
}

/**
 * /healthz says the process is alive (never checks dependencies: restarting the gateway does not
 * bring Redis back). /readyz checks each dependency and answers 503 when one fails. Which one and
 * its raw error (host names, driver messages) are shown only to an API key with the operator role.
 */
export function healthRoutes(services: GatewayServices, options: HealthOptions = {}) {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  const checks = cachedChecks(
    {
      mysql: () => probe(() => services.pool.query('SELECT 1'), PROBE_TIMEOUT_MS),
      redis: () => probe(() => pingRedis(services.redis), PROBE_TIMEOUT_MS),
      elasticsearch: () =>
        probe(() => services.search.cluster.health({}, { requestTimeout: PROBE_TIMEOUT_MS, maxRetries: 0 }), PROBE_TIMEOUT_MS),
      ...options.extraChecks,
    },
    services.config.http.readinessCacheMs,
  );
  const isOperator = (request: IncomingMessage) => {
    const key = request.headers['x-api-key'];
    return typeof key === 'string' && (apiKeyGrant(key, services.config.auth.apiKeys)?.roles.includes(Roles.operator) ?? false);
  };
  return {
    '/healthz': (_request: IncomingMessage, response: ServerResponse) => send(response, 200, { status: 'ok' }),
    '/readyz': async (request: IncomingMessage, response: ServerResponse) => {
      const results = await checks();
      const draining = options.draining?.() ?? false;
      const ready = !draining && Object.values(results).every((result) => result.ok);
      const status = draining ? 'shutting down' : ready ? 'ready' : 'not ready';
      send(response, ready ? 200 : 503, isOperator(request) ? { status, dependencies: results } : { status });
    },
  };
}

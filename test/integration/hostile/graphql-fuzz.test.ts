import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { createRedisClient, waitForRedis } from '../../../src/cache/redis-client.js';
import { createRandom } from '../../../src/demo/seeded-random.js';
import { createElasticsearchClient } from '../../../src/index/elasticsearch-client.js';
import { testConfig } from '../../support/gateway-harness.js';
import { deleteKeysWithPrefix } from '../../support/redis-cluster.js';
import { writeReliabilityFigures } from '../../support/reliability-results.js';
import { recordCase } from '../../faults/support/reliability-figures.js';
import { deleteIndicesWithPrefix } from '../../support/search-cleanup.js';
import type { GatewayProcess } from '../ops/gateway-process.js';
import { spawnGateway } from '../ops/gateway-process.js';
import type { HostileRequest } from './graphql-fuzz-inputs.js';
import { FUZZ_CATEGORIES, hostileRequests } from './graphql-fuzz-inputs.js';

/** Codes that blame the request: anything else (INTERNAL_SERVER_ERROR, *_UNAVAILABLE) is the server's fault. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_ALIASES',
  'BATCH_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
]);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const PER_CATEGORY = Number(process.env.FUZZ_PER_CATEGORY ?? 300);
/** A request the server takes longer than this to answer counts as a failure (a hang or a CPU bomb). */
const REQUEST_TIMEOUT_MS = 30_000;
const API_KEY = 'fuzz-key-0123456789abcdef';

type Verdict =
  | { kind: 'answered'; status: number; clientError: boolean; codes: string[] }
  | { kind: 'server-error'; reason: string; status: number | null };

function codesIn(text: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const results = Array.isArray(parsed) ? parsed : [parsed];
  return results.flatMap((result: unknown) => {
    const errors = (result as { errors?: { extensions?: { code?: unknown } }[] } | null)?.errors ?? [];
    return Array.isArray(errors)
      ? errors.map((error) => (typeof error?.extensions?.code === 'string' ? error.extensions.code : 'NO_CODE'))
      : ['MALFORMED_ERRORS'];
  });
}

async function send(url: string, request: HostileRequest, withKey: boolean): Promise<Verdict> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${url}${request.search}`, {
      method: request.method,
      headers: { ...(withKey ? { 'x-api-key': API_KEY } : {}), ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return {
      kind: 'server-error',
      reason: `no answer after ${Math.round(performance.now() - started)} ms: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`,
      status: null,
    };
  }
  const text = await response.text();
  if (response.status >= 500)
    return { kind: 'server-error', reason: `HTTP ${response.status}: ${text.slice(0, 300)}`, status: response.status };
  const codes = codesIn(text) ?? [];
  const serverCodes = codes.filter((code) => !CLIENT_CODES.has(code));
  if (serverCodes.length > 0)
    return {
      kind: 'server-error',
      reason: `HTTP ${response.status} with ${serverCodes.join(', ')}: ${text.slice(0, 300)}`,
      status: response.status,
    };
  return { kind: 'answered', status: response.status, clientError: response.status >= 400 || codes.length > 0, codes };
}

const describeRequest = (request: HostileRequest) => {
  const body = request.body === null ? '' : typeof request.body === 'string' ? request.body : `<${request.body.length} bytes>`;
  return `${request.method} ${request.search.slice(0, 120)} ${JSON.stringify(request.headers)} ${body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body}`;
};

/** True once the process answers /healthz again (a request that blocked its event loop may have ended). */
async function recovers(origin: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const alive = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (alive) return true;
  }
  return false;
}

/**
 * The gateway runs as its own process, as an operator starts it: a request that pins the CPU blocks
 * the server's event loop, and only from outside can the fuzzer time it out and see what a client
 * would see.
 */
describe(`GraphQL fuzz (seed ${SEED}, ${PER_CATEGORY} per category)`, () => {
  const unique = randomBytes(4).toString('hex');
  const env = {
    REDIS_KEY_PREFIX: `it:fuzz:${unique}:`,
    ELASTICSEARCH_INDEX_PREFIX: `it-fuzz-${unique}-`,
    RATE_LIMIT_REQUESTS: '0',
    API_KEYS: `fuzz:${API_KEY}:public+personal+analyst`,
  };
  let gateway: GatewayProcess;

  before(async () => {
    console.log(`graphql fuzz seed ${SEED} (FUZZ_SEED to replay), ${PER_CATEGORY} requests per category`);
    gateway = await spawnGateway(env, ['--api-only']);
  });
  after(async () => {
    if (gateway.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited(Date.now());
    }
    const config = testConfig(env);
    const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 2_000 });
    const search = createElasticsearchClient({ url: config.elasticsearch.url, requestTimeoutMs: 10_000 });
    // Without an offline queue, commands sent before the connection is up would fail at once.
    await waitForRedis(redis, 10_000);
    await deleteKeysWithPrefix(redis, env.REDIS_KEY_PREFIX);
    await deleteIndicesWithPrefix(search, env.ELASTICSEARCH_INDEX_PREFIX).catch(() => undefined);
    redis.disconnect();
    await search.close();
  });

  it('answers every hostile request with a client error or data, never a 5xx, and keeps serving', async () => {
    const random = createRandom(SEED);
    const requests = hostileRequests(random, PER_CATEGORY);
    const perCategory: Record<
      string,
      {
        tried: number;
        succeeded: number;
        clientErrors: number;
        serverErrors: number;
        maxMs: number;
        statuses: Record<string, number>;
        codes: Record<string, number>;
      }
    > = {};
    for (const name of Object.keys(FUZZ_CATEGORIES))
      perCategory[name] = { tried: 0, succeeded: 0, clientErrors: 0, serverErrors: 0, maxMs: 0, statuses: {}, codes: {} };
    const failures: string[] = [];
    const url = `${gateway.origin}/graphql`;
    let abandonedAt: number | null = null;
    const started = performance.now();
    for (const [index, request] of requests.entries()) {
      const figures = perCategory[request.category]!;
      const began = performance.now();
      const verdict = await send(url, request, random.chance(0.6));
      figures.maxMs = Math.max(figures.maxMs, Math.round(performance.now() - began));
      figures.tried += 1;
      const status = String(verdict.status ?? 'none');
      figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
      if (verdict.kind === 'server-error') {
        figures.serverErrors += 1;
        if (failures.length < 20) failures.push(`[${request.category}] ${verdict.reason}\n    request: ${describeRequest(request)}`);
        // A server that stays unresponsive would turn every later request into a timeout: stop there.
        if (verdict.status === null && !(await recovers(gateway.origin, 60_000))) {
          abandonedAt = index;
          failures.push(
            `the gateway did not answer /healthz within 60 s after request ${index}; ${requests.length - index - 1} requests not sent`,
          );
          break;
        }
        continue;
      }
      for (const code of verdict.codes) figures.codes[code] = (figures.codes[code] ?? 0) + 1;
      if (verdict.clientError) figures.clientErrors += 1;
      else figures.succeeded += 1;
    }
    const durationMs = Math.round(performance.now() - started);

    const normal = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "1") { id name } }' }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      async (response) => ({ status: response.status, text: await response.text() }),
      (error: unknown) => ({ status: 0, text: String(error) }),
    );
    const health = await fetch(`${gateway.origin}/healthz`, { signal: AbortSignal.timeout(30_000) }).then(
      (response) => response.status,
      () => 0,
    );
    const loggedErrors = gateway.logLines().filter((line) => Number(line.level) >= 50);
    const serverErrors = Object.values(perCategory).reduce((sum, figures) => sum + figures.serverErrors, 0);
    const file = writeReliabilityFigures('hostile-graphql', {
      kind: 'graphql-fuzz',
      seed: SEED,
      requests: requests.length,
      durationMs,
      serverErrors,
      loggedErrors: loggedErrors.length,
      abandonedAt,
      processExited: gateway.child.exitCode !== null,
      aliveAfter: normal.status === 200 && normal.text.includes('"product":{"id":"1"') && health === 200,
      categories: perCategory,
      failures,
    });
    const aliveAfter = normal.status === 200 && normal.text.includes('"product":{"id":"1"') && health === 200;
    recordCase(
      {
        id: 'hostile-graphql',
        title: 'GraphQL fuzz: hostile requests against a running gateway',
        faults: `seeded hostile requests (seed ${SEED}): ${Object.keys(FUZZ_CATEGORIES).join(', ')}`,
        load: `${requests.length} requests, one at a time, in ${Math.round(durationMs / 1000)} s`,
        inputs: Object.fromEntries(Object.entries(perCategory).map(([name, figures]) => [name, figures.tried])),
        outcome: {
          serverErrors,
          loggedInternalErrors: loggedErrors.length,
          clientErrors: Object.values(perCategory).reduce((sum, figures) => sum + figures.clientErrors, 0),
          answeredWithData: Object.values(perCategory).reduce((sum, figures) => sum + figures.succeeded, 0),
          slowestMs: Math.max(...Object.values(perCategory).map((figures) => figures.maxMs)),
          aliveAfter: String(aliveAfter),
        },
        problems: serverErrors + loggedErrors.length + (aliveAfter ? 0 : 1),
        passed: failures.length === 0 && loggedErrors.length === 0 && aliveAfter,
      },
      Date.now() - durationMs,
    );
    console.log(`graphql fuzz: ${requests.length} requests in ${durationMs} ms, ${serverErrors} server errors; figures in ${file}`);
    for (const [name, figures] of Object.entries(perCategory)) console.log(`  ${name.padEnd(20)} ${JSON.stringify(figures)}`);

    assert.deepEqual(failures, [], `${serverErrors} hostile requests got a server error`);
    assert.deepEqual(
      loggedErrors.map((line) => line.msg),
      [],
      'no request logged an internal error',
    );
    assert.equal(gateway.child.exitCode, null, 'the gateway process is still running');
    assert.equal(normal.status, 200, normal.text);
    assert.match(normal.text, /^\{"data":\{"product":\{"id":"1","name":/, 'a normal query still gets its data');
    assert.equal(health, 200);
    for (const [name, figures] of Object.entries(perCategory)) assert.equal(figures.tried, PER_CATEGORY, name);
  });
});

import autocannon from 'autocannon';
import type { RequestTemplate } from 'autocannon';
import { runChild, serveParent } from '../child-channel.js';
import type { LoadResult, LoadSpec } from '../load/load-spec.js';
import { latencySummary, nextBody } from '../load/load-spec.js';

/**
 * The load generator: a process of its own (so its CPU is not the server's), driving autocannon
 * with one request template whose body is rebuilt for every request. Latencies are recorded
 * exactly from autocannon's response events; a 2xx whose body carries GraphQL errors counts as a
 * failure, so a broken server cannot look fast.
 */
/** Distinct prebuilt requests for cases whose variables are drawn at random. */
const PREBUILT_REQUESTS = 1_024;

/**
 * The request templates of a round. Random variables: a pool of prebuilt requests, which autocannon
 * serialises once (a per-request setupRequest rebuilds every request and costs the generator about
 * a third more CPU, CPU the server under test then lacks). Id windows must not repeat across
 * connections, so they are drawn per request.
 */
function requestTemplates(spec: LoadSpec): RequestTemplate[] {
  const headers = { 'content-type': 'application/json', ...spec.headers };
  const state = new Map<string, number>();
  if (Object.values(spec.variables).some((variable) => variable.kind === 'id-windows')) {
    return [{ method: 'POST', headers, setupRequest: (request) => ({ ...request, body: nextBody(spec, state) }) }];
  }
  return Array.from({ length: PREBUILT_REQUESTS }, () => ({ method: 'POST', headers, body: nextBody(spec, state) }));
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let recorded = 0;
  let graphqlErrors = 0;
  let sampleFailure: string | null = null;
  const cpuBefore = process.cpuUsage();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount === undefined ? { duration: spec.durationSeconds } : { amount: spec.amount }),
    timeout: 10,
    requests: requestTemplates(spec),
    verifyBody: (body) => {
      if (spec.protocol === 'json' || (body.startsWith('{"data"') && !body.includes('"errors"'))) return true;
      graphqlErrors += 1;
      sampleFailure ??= body.slice(0, 500);
      return false;
    },
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (recorded === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[recorded] = responseTime;
    recorded += 1;
  });
  const result = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  const requests = result.requests.total;
  return {
    requests,
    sent: Math.max(requests, result.requests.sent),
    durationSeconds: result.duration,
    requestsPerSecond: requests / result.duration,
    latencyMs: latencySummary(latencies, recorded),
    failures: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, graphqlErrors },
    generatorCpuMsPerRequest: requests === 0 ? Number.NaN : (cpu.user + cpu.system) / 1000 / requests,
    sampleFailure,
  };
}

runChild(() => {
  serveParent({}, { run: (args) => run(args as LoadSpec) });
  return Promise.resolve();
});

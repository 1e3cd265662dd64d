/**
 * What one load round sends, as plain data so it crosses the IPC channel to the load generator:
 * one GraphQL POST per request, its variables drawn fresh for every request. B0/B1 answer the
 * same POST bodies as the gateway, so every server sees identical requests.
 */
export type VariableSpec =
  /** A uniformly random integer id in [min, max], as a string (GraphQL ID). */
  | { readonly kind: 'random-id'; readonly min: number; readonly max: number }
  /** `count` random ids in [min, max]. */
  | { readonly kind: 'random-ids'; readonly count: number; readonly min: number; readonly max: number }
  /**
   * Consecutive windows of `count` ids, each request the next window, from `min` upwards: every id
   * is asked for once per pass, so a cold cache stays cold until the pass wraps around.
   */
  | { readonly kind: 'id-windows'; readonly count: number; readonly min: number; readonly max: number }
  /** One of the given values, at random. */
  | { readonly kind: 'pick'; readonly values: readonly unknown[] }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null };

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** A fixed number of requests instead of a duration (e.g. exactly one pass over cold ids). */
  readonly amount?: number;
  readonly query: string;
  readonly variables: Readonly<Record<string, VariableSpec>>;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * 'graphql' (default): POST `{ query, variables }`, a good answer starts with `{"data"` and has no
   * `"errors"`. 'json': POST the variable named `body` as is (Elasticsearch's own API, for S1's floor);
   * any 2xx is good.
   */
  readonly protocol?: 'graphql' | 'json';
}

/** The request body of the next request. */
export function nextBody(spec: LoadSpec, state: Map<string, number>, random: () => number = Math.random): string {
  const variables = nextVariables(spec.variables, state, random);
  return spec.protocol === 'json' ? JSON.stringify(variables['body']) : JSON.stringify({ query: spec.query, variables });
}

export interface LoadResult {
  /** Requests answered within the round. */
  readonly requests: number;
  /** Requests sent, including those still in flight when the round ended (the server does all of them). */
  readonly sent: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Connection errors, timeouts, non-2xx answers, and 2xx answers carrying GraphQL errors. */
  readonly failures: { readonly errors: number; readonly timeouts: number; readonly non2xx: number; readonly graphqlErrors: number };
  /** The load generator's own CPU per request: on a 2-core machine it competes with the server. */
  readonly generatorCpuMsPerRequest: number;
  /** The first failing response body seen, to say what went wrong. */
  readonly sampleFailure: string | null;
}

/** Builds the variables of the next request; `state` carries the id windows' position across requests. */
export function nextVariables(
  specs: Readonly<Record<string, VariableSpec>>,
  state: Map<string, number>,
  random: () => number = Math.random,
): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) variables[name] = drawValue(name, spec, state, random);
  return variables;
}

function randomInteger(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function drawValue(name: string, spec: VariableSpec, state: Map<string, number>, random: () => number): unknown {
  switch (spec.kind) {
    case 'random-id':
      return String(randomInteger(spec.min, spec.max, random));
    case 'random-ids':
      return Array.from({ length: spec.count }, () => String(randomInteger(spec.min, spec.max, random)));
    case 'id-windows': {
      const span = spec.max - spec.min + 1;
      const start = state.get(name) ?? 0;
      state.set(name, (start + spec.count) % span);
      return Array.from({ length: spec.count }, (_, index) => String(spec.min + ((start + index) % span)));
    }
    case 'pick':
      return spec.values[Math.floor(random() * spec.values.length)];
    case 'literal':
      return spec.value;
  }
}

/** Exact percentiles of recorded latencies (autocannon's own histogram has 1 ms resolution). */
export function latencySummary(samples: Float64Array, count: number): LoadResult['latencyMs'] {
  if (count === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = samples.slice(0, count).sort();
  const at = (quantile: number) => sorted[Math.min(count - 1, Math.ceil(quantile * count) - 1)] ?? 0;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[count - 1] ?? 0, mean: sum / count };
}

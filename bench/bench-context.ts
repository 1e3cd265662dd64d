import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../src/config/gateway-config.js';
import type { BenchOptions } from './bench-options.js';

/**
 * Everything one bench run shares, passed explicitly: the options, the stack's configuration, the
 * run's unique names (so nothing collides with tests, the demo gateway or another bench run), and
 * the clean-up steps registered as resources are created.
 */
export interface BenchContext {
  readonly options: BenchOptions;
  /** The stack's addresses and accounts, as the gateway would read them. */
  readonly config: GatewayConfig;
  readonly runId: string;
  readonly names: BenchNames;
  readonly log: (line: string) => void;
  /** Registers a clean-up step; they run in reverse order at the end, failures logged, never thrown. */
  readonly onCleanup: (what: string, step: () => Promise<unknown>) => void;
  /** Environment of a bench child process (a gateway, a consumer) with the given overrides. */
  readonly childEnv: (overrides: Record<string, string>) => NodeJS.ProcessEnv;
}

export interface BenchNames {
  /** Database beside `shop` holding the bench data set (reused between runs). */
  readonly database: string;
  /** Redis key prefix of this run; every bench key starts with it. */
  readonly redisPrefix: string;
  /** Elasticsearch index prefix of this run. */
  readonly indexPrefix: string;
  /** Kafka consumer groups of this run start with it. */
  readonly groupPrefix: string;
  /** C1's pre-filled topic (reused between runs when complete). */
  readonly cdcTopic: string;
  /** Start of S1's index prefix (a fingerprint of the mapping code follows; reused between runs when complete). */
  readonly searchIndexPrefix: string;
  /** An API key the bench gateways accept, for fields that need more than anonymous access. */
  readonly apiKey: string;
}

/** A bench child script compiled next to this module (dist/bench/…). */
export function benchScript(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, import.meta.url));
}

export function createBenchContext(
  options: BenchOptions,
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): BenchContext & { cleanup(): Promise<void> } {
  const runId = randomBytes(3).toString('hex');
  const sizeTag = options.size === 100_000 ? '' : `_${options.size}`;
  const names: BenchNames = {
    database: `shop_test_bench${sizeTag}`,
    redisPrefix: `bench:${runId}:`,
    indexPrefix: `bench-${runId}-`,
    groupPrefix: `bench-${runId}`,
    cdcTopic: `bench.c1.v1.products.${options.size}.${options.cdcMessages}`,
    searchIndexPrefix: `bench-s1-${options.size}-`,
    apiKey: randomBytes(16).toString('hex'),
  };
  const steps: { what: string; step: () => Promise<unknown> }[] = [];
  return {
    options,
    config,
    runId,
    names,
    log,
    onCleanup: (what, step) => steps.push({ what, step }),
    // LOG_LEVEL stays the product's (info: an access-log line per request, to stdout, which is
    // discarded unless --verbose): the gateway is measured as it ships.
    childEnv: (overrides) => ({
      ...env,
      AUTO_START_STACK: 'false',
      NODE_ENV: 'production',
      API_KEYS: `bench:${names.apiKey}:personal+analyst`,
      // The per-client rate limit (1200/min by default) would answer 429 within a second of load.
      RATE_LIMIT_REQUESTS: '0',
      // G4 asks for 50 orders with their items: costed at 25,000 since an unsized list counts its 100.
      MAX_QUERY_COST: '100000',
      ...overrides,
    }),
    async cleanup() {
      for (const { what, step } of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          log(`clean-up of ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      steps.length = 0;
    },
  };
}

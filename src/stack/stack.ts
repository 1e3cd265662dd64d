import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config/stack-config.js';
import { GatewayError } from '../errors.js';
import { listJavaInstallations } from './java-finder.js';
import { livePid, spawnDetached, stopProcessGroup } from './process-control.js';
import { elasticsearchService } from './services/elasticsearch.js';
import { connectService } from './services/kafka-connect.js';
import { kafkaService } from './services/kafka.js';
import { mariadbService } from './services/mariadb.js';
import { redisService } from './services/redis.js';
import { schemaRegistryService } from './services/schema-registry.js';
import { stopRedisClusterIn } from './services/redis-cluster.js';
import type { ServiceDefinition, ServiceName, StackContext } from './stack-context.js';
import { logFileOf, pidFileOf, stackPaths } from './stack-context.js';
import { isPortOpen, waitUntil } from './wait-until.js';

/** In start order; `down` goes the other way. */
export const stackServices: readonly ServiceDefinition[] = [
  mariadbService,
  redisService,
  kafkaService,
  elasticsearchService,
  schemaRegistryService,
  connectService,
];

export function createStackContext(config: StackConfig, env: NodeJS.ProcessEnv, log: (line: string) => void): StackContext {
  return {
    config,
    paths: stackPaths(config.root),
    javaInstallations: listJavaInstallations(env.JAVA_HOME),
    log,
    childEnv: { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', LANG: 'C.UTF-8', TZ: 'UTC' },
  };
}

export function lastLogLines(context: StackContext, service: ServiceName, count = 25): string {
  const file = logFileOf(context.paths, service);
  if (!existsSync(file)) return '(no log yet)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

function serviceFailure(context: StackContext, service: ServiceName, reason: string): GatewayError {
  return new GatewayError(
    'STACK_FAILED',
    `${service} failed: ${reason}\n--- last lines of ${logFileOf(context.paths, service)} ---\n${lastLogLines(context, service)}`,
    { details: { service } },
  );
}

async function startService(context: StackContext, service: ServiceDefinition): Promise<'already running' | 'started'> {
  const pidFile = pidFileOf(context, service.name);
  let pid = livePid(pidFile);
  let outcome: 'already running' | 'started' = 'already running';
  if (pid !== null && service.configurationChanged?.(context) === true) {
    context.log(`${service.name}: configuration changed since it started; restarting it`);
    await stopProcessGroup(pidFile, 30_000);
    pid = null;
  }
  if (pid === null) {
    const port = service.port(context.config);
    if (await isPortOpen(port)) {
      throw serviceFailure(
        context,
        service.name,
        `port ${port} is already in use by a process this stack did not start; stop it or choose another port`,
      );
    }
    const launch = await service.prepareLaunch(context);
    pid = spawnDetached({ ...launch, logFile: logFileOf(context.paths, service.name), pidFile });
    context.log(`${service.name}: started (pid ${pid})`);
    outcome = 'started';
  }
  const started = pid;
  const waited = await waitUntil(() => service.isReady(context), {
    timeoutMs: context.config.readyTimeoutMs,
    isAlive: () => livePid(pidFile) === started,
  });
  if (!waited.ready) throw serviceFailure(context, service.name, waited.reason);
  try {
    await service.initialize?.(context);
  } catch (error) {
    throw serviceFailure(context, service.name, `initialisation failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return outcome;
}

/**
 * Installs what is missing, then starts every service not already running, each once its
 * dependencies are ready. Independent services start side by side.
 */
export async function stackUp(context: StackContext, only?: readonly ServiceName[]): Promise<void> {
  const selected = stackServices.filter((service) => only === undefined || only.includes(service.name));
  // apt-get holds a lock, so Debian installs run one after another; Maven downloads overlap them.
  for (const service of selected.filter((s) => s.name === 'mariadb' || s.name === 'redis')) await service.install(context);
  await Promise.all(selected.filter((s) => s.name !== 'mariadb' && s.name !== 'redis').map((service) => service.install(context)));

  const started = new Map<ServiceName, Promise<unknown>>();
  const start = (service: ServiceDefinition): Promise<unknown> => {
    const existing = started.get(service.name);
    if (existing !== undefined) return existing;
    const dependencies = service.dependsOn
      .map((name) => stackServices.find((s) => s.name === name))
      .filter((s): s is ServiceDefinition => s !== undefined);
    const promise = Promise.all(dependencies.map(start)).then(async () => {
      const outcome = await startService(context, service);
      context.log(
        `${service.name}: ready on port ${service.port(context.config)}${outcome === 'already running' ? ' (already running)' : ''}`,
      );
    });
    started.set(service.name, promise);
    return promise;
  };
  const results = await Promise.allSettled(selected.map(start));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failures.length > 0) throw failures[0];
}

export async function stackDown(context: StackContext): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  for (const service of [...stackServices].reverse()) {
    if (await stopProcessGroup(pidFileOf(context, service.name), 30_000)) {
      context.log(`${service.name}: stopped`);
      stopped.push(service.name);
    }
  }
  // The Redis Cluster the cluster tests start under the stack dir (test/support/redis-cluster.ts).
  const clusterNodes = await stopRedisClusterIn(join(context.config.root, 'redis-cluster'));
  if (clusterNodes > 0) context.log(`redis-cluster: ${clusterNodes} node(s) stopped`);
  return stopped;
}

export interface ServiceStatus {
  readonly service: ServiceName;
  readonly state: 'running' | 'starting' | 'stopped' | 'port used by another process';
  readonly port: number;
  readonly pid: number | null;
}

export async function stackStatus(context: StackContext): Promise<ServiceStatus[]> {
  return Promise.all(
    stackServices.map(async (service): Promise<ServiceStatus> => {
      const pid = livePid(pidFileOf(context, service.name));
      const port = service.port(context.config);
      const open = await isPortOpen(port);
      let state: ServiceStatus['state'];
      if (pid === null) state = open ? 'port used by another process' : 'stopped';
      else state = (await service.isReady(context).catch(() => false)) ? 'running' : 'starting';
      return { service: service.name, state, port, pid };
    }),
  );
}

/** Stops everything and deletes the data (databases, topics, indices, logs); downloads are kept. */
export async function stackReset(context: StackContext): Promise<void> {
  await stackDown(context);
  for (const dir of [context.paths.data, context.paths.logs, context.paths.run]) rmSync(dir, { recursive: true, force: true });
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config/stack-config.js';
import type { JavaInstallation } from './java-finder.js';

export type ServiceName = 'mariadb' | 'redis' | 'kafka' | 'elasticsearch' | 'registry' | 'connect';

export interface StackPaths {
  readonly root: string;
  /** Pid files of the processes the stack started. */
  readonly run: string;
  readonly logs: string;
  /** Per-service data folders; `reset` deletes these. */
  readonly data: string;
  /** Unpacked software (Kafka jars, Elasticsearch, Debezium); kept across resets. */
  readonly opt: string;
}

/** Everything a service definition needs, passed explicitly. */
export interface StackContext {
  readonly config: StackConfig;
  readonly paths: StackPaths;
  readonly javaInstallations: readonly JavaInstallation[];
  readonly log: (line: string) => void;
  /** Environment handed to child processes. */
  readonly childEnv: NodeJS.ProcessEnv;
}

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly dependsOn: readonly ServiceName[];
  port(config: StackConfig): number;
  /** Idempotent and fast once done: downloads and unpacks what the service needs. */
  install(context: StackContext): Promise<void>;
  /** Writes configuration, initialises data folders, and says how to start the process. */
  prepareLaunch(context: StackContext): LaunchSpec | Promise<LaunchSpec>;
  /** True once the service truly answers (queries, topic listing, cluster health, connector RUNNING). */
  isReady(context: StackContext): Promise<boolean>;
  /** True when a running instance was started with an older configuration: `up` restarts it. */
  configurationChanged?(context: StackContext): boolean;
  /** Runs after readiness on every `up`: must be idempotent (users, topics, connector registration). */
  initialize?(context: StackContext): Promise<void>;
}

export function stackPaths(root: string): StackPaths {
  const paths = { root, run: join(root, 'run'), logs: join(root, 'logs'), data: join(root, 'data'), opt: join(root, 'opt') };
  for (const dir of Object.values(paths)) mkdirSync(dir, { recursive: true });
  return paths;
}

export const pidFileOf = (context: StackContext, service: ServiceName): string => join(context.paths.run, `${service}.pid`);
export const logFileOf = (paths: StackPaths, service: ServiceName): string => join(paths.logs, `${service}.log`);
export const dataDirOf = (context: StackContext, service: ServiceName): string => {
  const dir = join(context.paths.data, service);
  mkdirSync(dir, { recursive: true });
  return dir;
};

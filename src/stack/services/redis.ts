import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages } from '../debian-packages.js';
import { runCommand } from '../run-command.js';
import type { ServiceDefinition } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';

export const redisService: ServiceDefinition = {
  name: 'redis',
  dependsOn: [],
  port: (config) => config.ports.redis,

  async install(context) {
    await ensureDebianPackages([{ name: 'redis-server', binary: '/usr/bin/redis-server', service: 'redis-server' }], context.log);
  },

  prepareLaunch(context) {
    const dataDir = dataDirOf(context, 'redis');
    const configFile = join(dataDir, 'redis.conf');
    // The cache is rebuilt from MySQL and the CDC stream: no persistence needed for the dev stack.
    writeFileSync(
      configFile,
      `port ${context.config.ports.redis}
bind 127.0.0.1
protected-mode yes
dir ${dataDir}
daemonize no
save ""
appendonly no
maxmemory-policy noeviction
`,
    );
    return { command: '/usr/bin/redis-server', args: [configFile], env: context.childEnv, cwd: dataDir };
  },

  async isReady(context) {
    const result = await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(context.config.ports.redis), 'ping'], {
      timeoutMs: 3_000,
    });
    return result.stdout.trim() === 'PONG';
  },
};

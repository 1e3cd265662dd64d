import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, migrationsDirectory } from '../../db/migrate.js';
import { createMysqlPool } from '../../db/mysql-pool.js';
import { ensureDebianPackages } from '../debian-packages.js';
import { runChecked, runCommand } from '../run-command.js';
import { stackAccounts } from '../stack-accounts.js';
import type { LaunchSpec, ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';

/** Unix socket paths are limited to 107 bytes; a deep checkout falls back to /tmp. */
export function mariadbSocketPath(context: StackContext): string {
  const preferred = join(context.paths.run, 'mariadb.sock');
  if (preferred.length < 100) return preferred;
  return `/tmp/gateway-mariadb-${createHash('sha1').update(preferred).digest('hex').slice(0, 10)}.sock`;
}

function writeServerConfig(context: StackContext, dataDir: string): string {
  const file = join(dataDir, 'my.cnf');
  writeFileSync(
    file,
    `[mysqld]
datadir=${join(dataDir, 'db')}
socket=${mariadbSocketPath(context)}
port=${context.config.ports.mysql}
bind-address=127.0.0.1
pid-file=${join(dataDir, 'mariadbd.pid')}
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-time-zone=+00:00
# Binary log in the form CDC needs: every row change with its full before and after image.
server-id=1
log-bin=${join(dataDir, 'db', 'mariadb-bin')}
binlog_format=ROW
binlog_row_image=FULL
expire_logs_days=7
max_connections=500
innodb_buffer_pool_size=512M
# A development stack trades crash durability for write speed (demo data, benchmarks).
innodb_flush_log_at_trx_commit=2
sync_binlog=0
performance_schema=OFF
`,
  );
  return file;
}

function bootstrapSql(): string {
  const { gateway, writer, cdc, database, libraryDatabase } = stackAccounts;
  const hosts = ["'127.0.0.1'", "'localhost'"];
  const users = (name: string) => hosts.map((host) => `'${name}'@${host}`).join(', ');
  const create = (name: string, password: string) =>
    hosts.map((host) => `CREATE USER IF NOT EXISTS '${name}'@${host} IDENTIFIED BY '${password}';`).join('\n');
  return `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS \`${libraryDatabase}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
${create(gateway.user, gateway.password)}
${create(writer.user, writer.password)}
${create(cdc.user, cdc.password)}
GRANT SELECT ON \`${database}\`.* TO ${users(gateway.user)};
GRANT SELECT ON \`shop\\_test\\_%\`.* TO ${users(gateway.user)};
GRANT ALL PRIVILEGES ON \`${database}\`.* TO ${users(writer.user)};
GRANT SELECT ON \`${libraryDatabase}\`.* TO ${users(gateway.user)};
GRANT ALL PRIVILEGES ON \`${libraryDatabase}\`.* TO ${users(writer.user)};
GRANT ALL PRIVILEGES ON \`shop\\_test\\_%\`.* TO ${users(writer.user)};
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO ${users(cdc.user)};
FLUSH PRIVILEGES;
`;
}

const clientArgs = (context: StackContext) => [`--socket=${mariadbSocketPath(context)}`, '-uroot'];

export const mariadbService: ServiceDefinition = {
  name: 'mariadb',
  dependsOn: [],
  port: (config) => config.ports.mysql,

  async install(context) {
    await ensureDebianPackages(
      [
        { name: 'mariadb-server', binary: '/usr/sbin/mariadbd', service: 'mariadb' },
        { name: 'mariadb-client', binary: '/usr/bin/mariadb' },
      ],
      context.log,
    );
  },

  async prepareLaunch(context): Promise<LaunchSpec> {
    const dataDir = dataDirOf(context, 'mariadb');
    const configFile = writeServerConfig(context, dataDir);
    if (!existsSync(join(dataDir, 'db', 'mysql'))) {
      context.log('mariadb: initialising the data folder');
      await runChecked('mariadb-install-db', [
        `--defaults-file=${configFile}`,
        `--user=${userInfo().username}`,
        '--auth-root-authentication-method=socket',
        `--auth-root-socket-user=${userInfo().username}`,
        '--skip-test-db',
      ]);
    }
    return {
      command: '/usr/sbin/mariadbd',
      args: [`--defaults-file=${configFile}`, `--user=${userInfo().username}`],
      env: context.childEnv,
      cwd: dataDir,
    };
  },

  async isReady(context) {
    const result = await runCommand('mariadb-admin', [...clientArgs(context), 'ping'], { timeoutMs: 5_000 });
    return result.code === 0;
  },

  /** Accounts, then the demo schema, before Kafka Connect starts: Debezium's snapshot then sees every table. */
  async initialize(context) {
    await runChecked('mariadb', clientArgs(context), { input: bootstrapSql() });
    const { writer, database, libraryDatabase } = stackAccounts;
    const migrate = async (name: string, directory: string) => {
      const pool = createMysqlPool({
        url: `mysql://${writer.user}:${writer.password}@127.0.0.1:${context.config.ports.mysql}/${name}`,
        poolSize: 1,
      });
      try {
        const { applied } = await applyMigrations(pool, directory);
        if (applied.length > 0) context.log(`mariadb: applied ${name} migrations ${applied.join(', ')}`);
      } finally {
        await pool.end();
      }
    };
    await migrate(database, migrationsDirectory());
    await migrate(libraryDatabase, join(migrationsDirectory(), 'library'));
  },
};

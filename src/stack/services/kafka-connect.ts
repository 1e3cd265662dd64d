import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyMavenArtifact, onceMarked } from '../artifact-downloads.js';
import { cdcTopology, debeziumConnectorConfig } from '../cdc-topology.js';
import { runChecked } from '../run-command.js';
import { FatalProbeError } from '../wait-until.js';
import { stackAccounts } from '../stack-accounts.js';
import type { ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';
import { kafkaJvmCommand } from './kafka.js';
import { installKafkaJars } from './kafka-jars.js';

const pluginDir = (context: StackContext) => join(context.paths.opt, `debezium-${context.config.versions.debezium}`);

function toProperties(entries: Record<string, string>): string {
  return Object.entries(entries).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}

interface ConnectorStatus {
  connector?: { state?: string; trace?: string };
  tasks?: { state?: string; trace?: string }[];
}

export const connectService: ServiceDefinition = {
  name: 'connect',
  dependsOn: ['mariadb', 'kafka'],
  port: (config) => config.ports.connect,

  async install(context) {
    await installKafkaJars(context);
    const version = context.config.versions.debezium;
    await onceMarked(join(pluginDir(context), '.installed'), async () => {
      context.log(`connect: fetching the Debezium ${version} MariaDB connector from Maven Central`);
      const downloads = join(context.paths.opt, 'downloads');
      await copyMavenArtifact(`io.debezium:debezium-connector-mariadb:${version}:tar.gz:plugin`, downloads);
      await runChecked('mkdir', ['-p', pluginDir(context)]);
      const archive = readdirSync(downloads).find((file) => file.startsWith(`debezium-connector-mariadb-${version}`));
      if (archive === undefined) throw new Error('connect: the Debezium plugin archive was not downloaded');
      await runChecked('tar', ['-xzf', join(downloads, archive), '-C', pluginDir(context)]);
    });
  },

  prepareLaunch(context) {
    const dataDir = dataDirOf(context, 'connect');
    const { ports } = context.config;
    const worker = join(dataDir, 'worker.properties');
    writeFileSync(
      worker,
      toProperties({
        'bootstrap.servers': `127.0.0.1:${ports.kafka}`,
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'key.converter.schemas.enable': 'false',
        'value.converter.schemas.enable': 'false',
        'offset.storage.file.filename': join(dataDir, 'offsets.dat'),
        'offset.flush.interval.ms': '1000',
        'plugin.path': pluginDir(context),
        listeners: `http://127.0.0.1:${ports.connect}`,
        'rest.advertised.host.name': '127.0.0.1',
        'producer.linger.ms': '1',
      }),
    );
    const connector = join(dataDir, 'connector.properties');
    writeFileSync(
      connector,
      toProperties({
        name: cdcTopology.connectorName,
        ...debeziumConnectorConfig({
          connectorClass: 'io.debezium.connector.mariadb.MariaDbConnector',
          databaseHost: '127.0.0.1',
          databasePort: ports.mysql,
          user: stackAccounts.cdc.user,
          password: stackAccounts.cdc.password,
          kafkaBootstrap: `127.0.0.1:${ports.kafka}`,
        }),
      }),
    );
    const jvm = kafkaJvmCommand(context, 'org.apache.kafka.connect.cli.ConnectStandalone', [worker, connector], '512m');
    return { ...jvm, env: context.childEnv, cwd: dataDir };
  },

  async isReady(context) {
    const url = `http://127.0.0.1:${context.config.ports.connect}/connectors/${cdcTopology.connectorName}/status`;
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return false;
    const status = (await response.json()) as ConnectorStatus;
    const failed = [status.connector, ...(status.tasks ?? [])].find((part) => part?.state === 'FAILED');
    if (failed !== undefined) throw new FatalProbeError(`connector FAILED: ${(failed.trace ?? '').split('\n').slice(0, 3).join(' ')}`);
    return status.connector?.state === 'RUNNING' && (status.tasks ?? []).length > 0 && (status.tasks ?? []).every((task) => task.state === 'RUNNING');
  },
};

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyMavenArtifact, copyMavenDependencies, onceMarked } from '../artifact-downloads.js';
import { avroTopology, cdcTopology, debeziumAvroConnectorConfig, debeziumConnectorConfig } from '../cdc-topology.js';
import { debeziumLibraryConnectorConfig, libraryTopology } from '../cdc-topology.js';
import type { ConnectorEndpoints } from '../cdc-topology.js';
import { runChecked } from '../run-command.js';
import { FatalProbeError } from '../wait-until.js';
import { stackAccounts } from '../stack-accounts.js';
import type { ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';
import { kafkaJvmCommand } from './kafka.js';
import { installKafkaJars } from './kafka-jars.js';
import { apicurioApiUrl, apicurioRegistryRelease } from './schema-registry.js';

const pluginDir = (context: StackContext) => join(context.paths.opt, `debezium-${context.config.versions.debezium}`);
/** A plugin folder of its own: Connect loads each plugin in isolation. */
const converterDir = (context: StackContext) => join(context.paths.opt, `apicurio-converter-${apicurioRegistryRelease.version}`);

async function installAvroConverter(context: StackContext): Promise<void> {
  const version = apicurioRegistryRelease.version;
  await onceMarked(join(converterDir(context), '.installed'), async () => {
    context.log(`connect: fetching the Apicurio ${version} Avro converter from Maven Central`);
    await copyMavenDependencies(
      [{ groupId: 'io.apicurio', artifactId: 'apicurio-registry-utils-converter', version }],
      join(converterDir(context), 'pom'),
      join(converterDir(context), 'apicurio-registry-utils-converter'),
      // The worker provides Kafka's own API; an older copy inside the plugin would shadow nothing but confuse.
      { excludeGroupIds: ['org.apache.kafka', 'org.slf4j'] },
    );
  });
}

function toProperties(entries: Record<string, string>): string {
  return (
    Object.entries(entries)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

interface ConnectorStatus {
  connector?: { state?: string; trace?: string };
  tasks?: { state?: string; trace?: string }[];
}

export const connectService: ServiceDefinition = {
  name: 'connect',
  dependsOn: ['mariadb', 'kafka', 'registry'],
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
    await installAvroConverter(context);
  },

  configurationChanged(context) {
    // A Connect started with other files (another port, the Avro connector on or off, a converter
    // installed since) would never run the connectors `up` now waits for: it is restarted once.
    const launched = join(dataDirOf(context, 'connect'), 'launched-with.txt');
    return !existsSync(launched) || readFileSync(launched, 'utf8') !== launchFingerprint(connectLaunchFiles(context));
  },

  prepareLaunch(context) {
    const dataDir = dataDirOf(context, 'connect');
    const files = connectLaunchFiles(context);
    for (const { path, text } of files) writeFileSync(path, text);
    writeFileSync(join(dataDir, 'launched-with.txt'), launchFingerprint(files));
    const [worker, ...connectors] = files.map((file) => file.path);
    const jvm = kafkaJvmCommand(context, 'org.apache.kafka.connect.cli.ConnectStandalone', [worker ?? '', ...connectors], '512m');
    return { ...jvm, env: context.childEnv, cwd: dataDir };
  },

  async isReady(context) {
    const names = [
      cdcTopology.connectorName,
      libraryTopology.connectorName,
      ...(context.config.avroConnector ? [avroTopology.connectorName] : []),
    ];
    const states = await Promise.all(names.map((name) => isConnectorRunning(context, name)));
    return states.every(Boolean);
  },
};

async function isConnectorRunning(context: StackContext, name: string): Promise<boolean> {
  const url = `http://127.0.0.1:${context.config.ports.connect}/connectors/${name}/status`;
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) return false;
  const status = (await response.json()) as ConnectorStatus;
  const failed = [status.connector, ...(status.tasks ?? [])].find((part) => part?.state === 'FAILED');
  if (failed !== undefined)
    throw new FatalProbeError(`connector ${name} FAILED: ${(failed.trace ?? '').split('\n').slice(0, 3).join(' ')}`);
  return (
    status.connector?.state === 'RUNNING' &&
    (status.tasks ?? []).length > 0 &&
    (status.tasks ?? []).every((task) => task.state === 'RUNNING')
  );
}

interface LaunchFile {
  readonly path: string;
  readonly text: string;
}

const launchFingerprint = (files: readonly LaunchFile[]) => files.map(({ path, text }) => `# ${path}\n${text}`).join('\n');

/** The worker's properties, then one properties file per connector: what a standalone Connect is started with. */
function connectLaunchFiles(context: StackContext): LaunchFile[] {
  const dataDir = dataDirOf(context, 'connect');
  const { ports } = context.config;
  const worker = {
    path: join(dataDir, 'worker.properties'),
    text: toProperties({
      'bootstrap.servers': `127.0.0.1:${ports.kafka}`,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'offset.storage.file.filename': join(dataDir, 'offsets.dat'),
      'offset.flush.interval.ms': '1000',
      'plugin.path': `${pluginDir(context)},${converterDir(context)}`,
      listeners: `http://127.0.0.1:${ports.connect}`,
      'rest.advertised.host.name': '127.0.0.1',
      'producer.linger.ms': '1',
    }),
  };
  const endpoints: ConnectorEndpoints = {
    connectorClass: 'io.debezium.connector.mariadb.MariaDbConnector',
    databaseHost: '127.0.0.1',
    databasePort: ports.mysql,
    user: stackAccounts.cdc.user,
    password: stackAccounts.cdc.password,
    kafkaBootstrap: `127.0.0.1:${ports.kafka}`,
  };
  const files = [
    worker,
    {
      path: join(dataDir, 'connector.properties'),
      text: toProperties({ name: cdcTopology.connectorName, ...debeziumConnectorConfig(endpoints) }),
    },
    {
      path: join(dataDir, 'connector-library.properties'),
      text: toProperties({ name: libraryTopology.connectorName, ...debeziumLibraryConnectorConfig(endpoints) }),
    },
  ];
  if (context.config.avroConnector) {
    const avro = { name: avroTopology.connectorName, ...debeziumAvroConnectorConfig(endpoints, apicurioApiUrl(ports.schemaRegistry)) };
    files.push({ path: join(dataDir, 'connector-avro.properties'), text: toProperties(avro) });
  }
  return files;
}

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { loadStackConfig } from '../../../src/config/stack-config.js';
import { splitSqlStatements } from '../../../src/db/sql-statements.js';
import { repoRoot } from '../../../src/repo-root.js';
import {
  avroRowTopicOf,
  avroTopology,
  cdcTopology,
  debeziumAvroConnectorConfig,
  debeziumConnectorConfig,
  debeziumLibraryConnectorConfig,
  libraryRowTopicOf,
  libraryTopology,
  rowTopicOf,
} from '../../../src/stack/cdc-topology.js';
import { stackAccounts } from '../../../src/stack/stack-accounts.js';
import { stackEnvironment } from '../../../src/stack/stack-env.js';

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: string[];
  ports?: string[];
  restart?: string;
}

const root = repoRoot();
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services?: Record<string, ComposeService> };
const services = compose.services ?? {};
const stackConfig = loadStackConfig({}, '/tmp');

const longRunning = ['mysql', 'redis', 'kafka', 'elasticsearch', 'registry', 'connect', 'gateway'];
const oneShot = ['migrate', 'kafka-init', 'connect-init'];

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service ${name}`);
  return found;
}

function environmentOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

const words = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());
const commandOf = (name: string): string => [...words(service(name).entrypoint), ...words(service(name).command)].join(' ');

/** `[host-ip:]host:container` entries of a service's ports. */
function publishedPorts(name: string): { host: number; container: number }[] {
  return (service(name).ports ?? []).map((entry) => {
    const parts = String(entry).split(':');
    return { host: Number(parts.at(-2)), container: Number(parts.at(-1)) };
  });
}

/** The host path bind-mounted at `target` in a service, resolved against the repository. */
function mountSource(name: string, target: string): string {
  const mount = (service(name).volumes ?? []).map((entry) => entry.split(':')).find((parts) => parts[1] === target);
  assert.ok(mount?.[0], `${name} mounts nothing at ${target}`);
  return resolve(root, mount[0]);
}

/** The Kafka address containers use: the advertised listener brokers talk to each other on. */
function internalKafkaBootstrap(): string {
  const kafka = environmentOf('kafka');
  const listenerName = kafka['KAFKA_INTER_BROKER_LISTENER_NAME'] ?? '';
  const advertised = (kafka['KAFKA_ADVERTISED_LISTENERS'] ?? '').split(',').find((listener) => listener.startsWith(`${listenerName}://`));
  assert.ok(listenerName !== '' && advertised !== undefined, 'kafka advertises no listener for KAFKA_INTER_BROKER_LISTENER_NAME');
  return advertised.slice(`${listenerName}://`.length);
}

function dockerfileFinalStage(): string[] {
  const lines = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ').split('\n');
  const lastFrom = lines.findLastIndex((line) => /^FROM\s/i.test(line));
  assert.ok(lastFrom >= 0, 'the Dockerfile has no FROM line');
  return lines.slice(lastFrom);
}

const imageTag = (name: string): string => (service(name).image ?? '').split(':').at(-1) ?? '';

describe('docker-compose.yml', () => {
  it('gives every long-running service a healthcheck, the gateway through its Dockerfile', () => {
    for (const name of longRunning.filter((name) => name !== 'gateway')) {
      const healthcheck = service(name).healthcheck;
      assert.ok(healthcheck?.test !== undefined && healthcheck.disable !== true, `${name} has no healthcheck`);
    }
    assert.ok(service('gateway').healthcheck?.disable !== true, 'the gateway disables its image healthcheck');
    assert.ok(dockerfileFinalStage().some((line) => /^HEALTHCHECK\s.*fetch\('http:\/\/127\.0\.0\.1:4000\/healthz'/.test(line)));
  });

  it('runs the init services once, without a healthcheck', () => {
    for (const name of oneShot) {
      assert.equal(service(name).restart, 'no', `${name} must not restart`);
      const healthcheck = service(name).healthcheck;
      assert.ok(healthcheck === undefined || healthcheck.disable === true, `${name} declares a healthcheck it would never pass`);
    }
  });

  it('starts the gateway only once every other service is healthy or has completed', () => {
    const dependsOn = service('gateway').depends_on;
    assert.ok(dependsOn !== undefined && !Array.isArray(dependsOn), 'the gateway lists no depends_on conditions');
    const expected: Record<string, string> = Object.fromEntries([
      ...longRunning.filter((name) => name !== 'gateway').map((name) => [name, 'service_healthy'] as const),
      ...oneShot.map((name) => [name, 'service_completed_successfully'] as const),
    ]);
    assert.deepEqual(Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition])), expected);
  });

  it('builds the gateway from the Dockerfile, whose final stage runs as a non-root user', () => {
    const build = service('gateway').build;
    assert.ok(typeof build === 'object', 'the gateway has no build section');
    assert.equal(resolve(root, build.context ?? '.'), root);
    assert.equal(build.dockerfile ?? 'Dockerfile', 'Dockerfile');
    const user = dockerfileFinalStage()
      .map((line) => /^USER\s+(\S+)/i.exec(line)?.[1])
      .find((name) => name !== undefined);
    assert.ok(user !== undefined && !['root', '0'].includes(user.split(':')[0] ?? ''), `the final stage runs as ${user ?? 'root'}`);
  });

  it('registers exactly the connector configuration the native stack derives, for MySQL', () => {
    const file = mountSource('connect-init', '/connector/shop.json');
    assert.equal(file, join(root, 'docker', 'debezium-connector.json'));
    const expected = debeziumConnectorConfig({
      connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
      databaseHost: 'mysql',
      databasePort: 3306,
      user: stackAccounts.cdc.user,
      password: stackAccounts.cdc.password,
      kafkaBootstrap: internalKafkaBootstrap(),
    });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), expected);
    assert.ok(publishedPorts('mysql').some((port) => port.container === 3306));
    const command = commandOf('connect-init');
    assert.match(command, /-X PUT /);
    assert.ok(command.includes('@/connector/shop.json'), 'connect-init does not send the mounted connector file');
    assert.ok(command.includes(`http://connect:8083/connectors/${cdcTopology.connectorName}/config`));
  });

  it('registers the Avro connector the native stack derives, writing through the registry service', () => {
    const file = mountSource('connect-init', '/connector/shop-avro.json');
    assert.equal(file, join(root, 'docker', 'debezium-avro-connector.json'));
    const registryPort = publishedPorts('registry')[0]?.container;
    assert.ok(registryPort !== undefined, 'the registry publishes no port');
    const expected = debeziumAvroConnectorConfig(
      {
        connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
        databaseHost: 'mysql',
        databasePort: 3306,
        user: stackAccounts.cdc.user,
        password: stackAccounts.cdc.password,
        kafkaBootstrap: internalKafkaBootstrap(),
      },
      `http://registry:${registryPort}/apis/registry/v2`,
    );
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), expected);
    const command = commandOf('connect-init');
    assert.ok(command.includes('@/connector/shop-avro.json'), 'connect-init does not send the Avro connector file');
    assert.ok(command.includes(`http://connect:8083/connectors/${avroTopology.connectorName}/config`));
    assert.equal(environmentOf('connect')['ENABLE_APICURIO_CONVERTERS'], 'true');
    assert.equal(environmentOf('gateway')['SCHEMA_REGISTRY_URL'], `http://registry:${registryPort}/apis/ccompat/v6`);
  });

  it('registers the library connector the native stack derives, over the library database', () => {
    const file = mountSource('connect-init', '/connector/library.json');
    assert.equal(file, join(root, 'docker', 'debezium-library-connector.json'));
    const expected = debeziumLibraryConnectorConfig({
      connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
      databaseHost: 'mysql',
      databasePort: 3306,
      user: stackAccounts.cdc.user,
      password: stackAccounts.cdc.password,
      kafkaBootstrap: internalKafkaBootstrap(),
    });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), expected);
    const command = commandOf('connect-init');
    assert.ok(command.includes('@/connector/library.json'), 'connect-init does not send the library connector file');
    assert.ok(command.includes(`http://connect:8083/connectors/${libraryTopology.connectorName}/config`));
    assert.match(commandOf('migrate'), /migrationsDirectory\(\) \+ '\/library'/, 'the migrate job applies the library migrations');
    assert.equal(new URL(environmentOf('migrate')['LIBRARY_WRITER_URL'] ?? '').pathname, `/${stackAccounts.libraryDatabase}`);
  });

  it('reaches Kafka through its internal listener from every container', () => {
    const bootstrap = internalKafkaBootstrap();
    assert.equal(environmentOf('connect')['BOOTSTRAP_SERVERS'], bootstrap);
    assert.equal(environmentOf('gateway')['KAFKA_BROKERS'], bootstrap);
    const createLines = commandOf('kafka-init')
      .split('\n')
      .filter((line) => line.includes('--create'));
    assert.ok(createLines.length > 0 && createLines.every((line) => line.includes(`--bootstrap-server ${bootstrap} `)));
  });

  it('pre-creates every topic of the CDC topology with the native partition counts and configs', () => {
    const created = new Map<string, { partitions: number; configs: string[] }>();
    for (const line of commandOf('kafka-init')
      .split('\n')
      .filter((text) => text.includes('kafka-topics.sh') && text.includes('--create'))) {
      const tokens = line.trim().split(/\s+/);
      const valuesOf = (flag: string) => tokens.flatMap((token, index) => (token === flag ? [tokens[index + 1] ?? ''] : []));
      created.set(valuesOf('--topic')[0] ?? '', { partitions: Number(valuesOf('--partitions')[0]), configs: valuesOf('--config') });
    }
    const partitions = stackConfig.kafkaPartitions;
    const expected = new Map([
      ...cdcTopology.tables.map((table) => [rowTopicOf(table), { partitions, configs: [] as string[] }] as const),
      [cdcTopology.topicPrefix, { partitions: 1, configs: [] }],
      [cdcTopology.schemaHistoryTopic, { partitions: 1, configs: ['retention.ms=-1'] }],
      [cdcTopology.deadLetterTopic, { partitions: 1, configs: [] }],
      ...cdcTopology.tables.map((table) => [avroRowTopicOf(table), { partitions, configs: [] as string[] }] as const),
      [avroTopology.topicPrefix, { partitions: 1, configs: [] }],
      [avroTopology.schemaHistoryTopic, { partitions: 1, configs: ['retention.ms=-1'] }],
      ...libraryTopology.tables.map((table) => [libraryRowTopicOf(table), { partitions, configs: [] as string[] }] as const),
      [libraryTopology.topicPrefix, { partitions: 1, configs: [] }],
      [libraryTopology.schemaHistoryTopic, { partitions: 1, configs: ['retention.ms=-1'] }],
    ]);
    assert.deepEqual(created, expected);
  });

  it("gives the gateway every connection variable of the native stack except Kafka Connect's", () => {
    const gateway = environmentOf('gateway');
    const native = stackEnvironment(stackConfig);
    for (const name of Object.keys(native).filter((variable) => variable !== 'KAFKA_CONNECT_URL')) {
      assert.ok(gateway[name], `the gateway's environment lacks ${name}`);
    }
    for (const name of ['MYSQL_URL', 'MYSQL_WRITER_URL']) {
      const [docker, local] = [new URL(gateway[name] ?? ''), new URL(native[name] ?? '')];
      assert.deepEqual([docker.username, docker.password, docker.pathname], [local.username, local.password, local.pathname], name);
    }
    for (const name of ['MYSQL_URL', 'MYSQL_WRITER_URL', 'REDIS_URL', 'ELASTICSEARCH_URL', 'SCHEMA_REGISTRY_URL']) {
      const host = new URL(gateway[name] ?? '').hostname;
      assert.ok(services[host] !== undefined, `${name} points at ${host}, which is not a service of this file`);
    }
    assert.equal(gateway['HOST'], '0.0.0.0');
    assert.equal(gateway['AUTO_START_STACK'], 'false');
    assert.ok(publishedPorts('gateway').some((port) => port.container === Number(gateway['PORT'])));
  });

  it('publishes each service on the port the native stack and the gateway default to', () => {
    const { ports } = stackConfig;
    const expected: Record<string, number> = {
      mysql: ports.mysql,
      redis: ports.redis,
      kafka: ports.kafka,
      elasticsearch: ports.elasticsearch,
      connect: ports.connect,
      registry: ports.schemaRegistry,
      gateway: loadGatewayConfig({}).http.port,
    };
    for (const [name, port] of Object.entries(expected)) {
      assert.ok(
        publishedPorts(name).some((published) => published.host === port),
        `${name} is not published on ${port}`,
      );
    }
  });

  it('starts MySQL with a ROW binary log carrying full row images, in UTC and utf8mb4', () => {
    const args = words(service('mysql').command);
    for (const flag of [
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--server-id=1',
      '--default-time-zone=+00:00',
      '--character-set-server=utf8mb4',
    ]) {
      assert.ok(args.includes(flag), `mysql is not started with ${flag}`);
    }
    assert.ok(
      args.some((arg) => arg.startsWith('--log-bin')),
      'mysql is not started with --log-bin',
    );
    const serverId = args.find((arg) => arg.startsWith('--server-id='))?.split('=')[1];
    const connector = JSON.parse(readFileSync(join(root, 'docker', 'debezium-connector.json'), 'utf8')) as Record<string, string>;
    assert.notEqual(connector['database.server.id'], serverId, "Debezium's replication client would reuse the server's own server-id");
  });

  it('creates the shop database and the three stack accounts with their grants in the MySQL init SQL', () => {
    const folder = mountSource('mysql', '/docker-entrypoint-initdb.d');
    const sql = readdirSync(folder)
      .filter((file) => file.endsWith('.sql'))
      .sort()
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .join('\n');
    const statements = splitSqlStatements(sql).map((statement) => statement.replace(/\s+/g, ' '));
    const has = (pattern: RegExp, what: string) =>
      assert.ok(
        statements.some((statement) => pattern.test(statement)),
        `the init SQL does not ${what}`,
      );
    const { gateway, writer, cdc, database } = stackAccounts;
    has(new RegExp(`^CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`), `create ${database}`);
    for (const account of [gateway, writer, cdc]) {
      has(
        new RegExp(`^CREATE USER IF NOT EXISTS '${account.user}'@'%' IDENTIFIED (WITH \\w+ )?BY '${account.password}'$`),
        `create ${account.user}`,
      );
    }
    has(new RegExp(`^GRANT SELECT ON \`${database}\`\\.\\* TO '${gateway.user}'@'%'$`), `let ${gateway.user} read ${database}`);
    has(new RegExp(`^GRANT ALL PRIVILEGES ON \`${database}\`\\.\\* TO '${writer.user}'@'%'$`), `let ${writer.user} own ${database}`);
    const { libraryDatabase } = stackAccounts;
    has(new RegExp(`^CREATE DATABASE IF NOT EXISTS \`${libraryDatabase}\` CHARACTER SET utf8mb4`), `create ${libraryDatabase}`);
    has(
      new RegExp(`^GRANT SELECT ON \`${libraryDatabase}\`\\.\\* TO '${gateway.user}'@'%'$`),
      `let ${gateway.user} read ${libraryDatabase}`,
    );
    has(
      new RegExp(`^GRANT ALL PRIVILEGES ON \`${libraryDatabase}\`\\.\\* TO '${writer.user}'@'%'$`),
      `let ${writer.user} own ${libraryDatabase}`,
    );
    has(
      new RegExp(`^GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON \\*\\.\\* TO '${cdc.user}'@'%'$`),
      `give ${cdc.user} the replication privileges`,
    );
    assert.ok(
      !statements.some((statement) => /BINLOG MONITOR/i.test(statement)),
      'BINLOG MONITOR is MariaDB-only and would abort the MySQL init',
    );
  });

  it("pins the Kafka, Elasticsearch and Debezium images to the native stack's default versions", () => {
    const { versions } = stackConfig;
    for (const name of ['kafka', 'kafka-init']) assert.equal(service(name).image, `apache/kafka:${versions.kafka}`);
    assert.equal(service('elasticsearch').image, `docker.elastic.co/elasticsearch/elasticsearch:${versions.elasticsearch}`);
    for (const name of ['connect', 'connect-init']) assert.equal(service(name).image, `quay.io/debezium/connect:${versions.debezium}`);
    assert.equal(imageTag('mysql'), '8.4');
  });

  it('runs Kafka in KRaft combined mode with the native default partition count', () => {
    const kafka = environmentOf('kafka');
    assert.equal(kafka['KAFKA_PROCESS_ROLES'], 'broker,controller');
    assert.ok((kafka['KAFKA_CONTROLLER_QUORUM_VOTERS'] ?? '').startsWith(`${kafka['KAFKA_NODE_ID']}@kafka:`));
    assert.ok((kafka['KAFKA_LISTENERS'] ?? '').includes(`://:${stackConfig.ports.kafka}`), 'kafka does not listen on the host port');
    assert.equal(kafka['KAFKA_NUM_PARTITIONS'], String(stackConfig.kafkaPartitions));
  });

  it('converts Kafka Connect records to JSON without schemas, like the native worker', () => {
    const connect = environmentOf('connect');
    for (const side of ['KEY', 'VALUE']) {
      assert.equal(connect[`${side}_CONVERTER`], 'org.apache.kafka.connect.json.JsonConverter');
      assert.equal(connect[`CONNECT_${side}_CONVERTER_SCHEMAS_ENABLE`], 'false');
    }
  });

  it('runs Elasticsearch as one node without security, with the native heap, healthy on cluster health', () => {
    const elasticsearch = environmentOf('elasticsearch');
    const heap = stackConfig.elasticsearchHeap;
    assert.equal(elasticsearch['discovery.type'], 'single-node');
    assert.equal(elasticsearch['xpack.security.enabled'], 'false');
    assert.equal(elasticsearch['ES_JAVA_OPTS'], `-Xms${heap} -Xmx${heap}`);
    assert.match(words(service('elasticsearch').healthcheck?.test).join(' '), /_cluster\/health/);
  });
});

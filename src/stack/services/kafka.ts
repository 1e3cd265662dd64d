import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cdcTopics, libraryCdcTopics } from '../cdc-topology.js';
import { pickJava } from '../java-finder.js';
import { runChecked } from '../run-command.js';
import { stackAccounts } from '../stack-accounts.js';
import type { ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';
import { installKafkaJars, kafkaLibsDir, log4jConfig } from './kafka-jars.js';

function serverProperties(context: StackContext, logDir: string): string {
  const { kafka, kafkaController, kafkaSasl } = context.config.ports;
  const { user, password } = stackAccounts.kafkaSasl;
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${kafkaController}
listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController},SASL_PLAINTEXT://127.0.0.1:${kafkaSasl}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka},SASL_PLAINTEXT://127.0.0.1:${kafkaSasl}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${user}="${password}";
log.dirs=${logDir}
num.partitions=${context.config.kafkaPartitions}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
`;
}

function kafkaClient(context: StackContext): Kafka {
  return new Kafka({
    clientId: 'gateway-stack',
    brokers: [`127.0.0.1:${context.config.ports.kafka}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 0 },
  });
}

export function kafkaJvmCommand(context: StackContext, mainClass: string, args: readonly string[], heap: string) {
  const java = pickJava(context.javaInstallations, { min: 17, max: 23 }, 'Kafka');
  const log4j = join(context.paths.data, 'log4j.properties');
  writeFileSync(log4j, log4jConfig());
  return {
    command: join(java.home, 'bin', 'java'),
    args: [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4j}`,
      '-cp',
      `${kafkaLibsDir(context)}/*`,
      mainClass,
      ...args,
    ],
  };
}

export const kafkaService: ServiceDefinition = {
  name: 'kafka',
  dependsOn: [],
  port: (config) => config.ports.kafka,

  install: installKafkaJars,

  /** A broker started before the SASL listener existed is restarted once, keeping its data. */
  configurationChanged(context) {
    const dataDir = dataDirOf(context, 'kafka');
    const properties = join(dataDir, 'server.properties');
    return existsSync(properties) && readFileSync(properties, 'utf8') !== serverProperties(context, join(dataDir, 'log'));
  },

  async prepareLaunch(context) {
    const dataDir = dataDirOf(context, 'kafka');
    const logDir = join(dataDir, 'log');
    const properties = join(dataDir, 'server.properties');
    writeFileSync(properties, serverProperties(context, logDir));
    if (!existsSync(join(logDir, 'meta.properties'))) {
      context.log('kafka: formatting KRaft storage');
      const clusterId = randomBytes(16).toString('base64url');
      const format = kafkaJvmCommand(context, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', properties], '256m');
      await runChecked(format.command, format.args, { env: context.childEnv });
    }
    const server = kafkaJvmCommand(context, 'kafka.Kafka', [properties], '512m');
    return { ...server, env: context.childEnv, cwd: dataDir };
  },

  async isReady(context) {
    const admin = kafkaClient(context).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return true;
    } finally {
      await admin.disconnect();
    }
  },

  /** Topics are created up front with explicit partitions: kafkajs mishandles auto-created topics on KRaft. */
  async initialize(context) {
    const admin = kafkaClient(context).admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const partitions = context.config.kafkaPartitions;
      const wanted = [...cdcTopics(partitions), ...libraryCdcTopics(partitions)].filter((topic) => !existing.has(topic.topic));
      if (wanted.length > 0) {
        await admin.createTopics({
          topics: wanted.map((topic) => ({
            replicationFactor: 1,
            ...topic,
            configEntries: topic.configEntries ? [...topic.configEntries] : [],
          })),
          waitForLeaders: true,
        });
        context.log(`kafka: created topics ${wanted.map((topic) => topic.topic).join(', ')}`);
      }
    } finally {
      await admin.disconnect();
    }
  },
};

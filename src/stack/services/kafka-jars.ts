import { join } from 'node:path';
import { copyMavenDependencies, onceMarked } from '../artifact-downloads.js';
import type { StackContext } from '../stack-context.js';

/** One flat folder of jars serves both the broker and Kafka Connect (same Kafka version). */
export function kafkaLibsDir(context: StackContext): string {
  return join(context.paths.opt, `kafka-${context.config.versions.kafka}`, 'libs');
}

const installs = new WeakMap<StackContext, Promise<void>>();

/** The broker and Kafka Connect both need the jars; they share one download per `up`. */
export function installKafkaJars(context: StackContext): Promise<void> {
  let install = installs.get(context);
  if (install === undefined) {
    install = downloadKafkaJars(context);
    installs.set(context, install);
  }
  return install;
}

async function downloadKafkaJars(context: StackContext): Promise<void> {
  const version = context.config.versions.kafka;
  const home = join(context.paths.opt, `kafka-${version}`);
  await onceMarked(join(home, '.installed'), async () => {
    context.log(`kafka: fetching Kafka ${version} and Kafka Connect jars from Maven Central`);
    const kafka = (artifactId: string) => ({ groupId: 'org.apache.kafka', artifactId, version });
    await copyMavenDependencies(
      [
        kafka('kafka_2.13'),
        kafka('connect-runtime'),
        kafka('connect-json'),
        kafka('connect-file'),
        // The binary distribution's logging binding; the Maven artifacts declare only the API.
        { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
        { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
      ],
      join(home, 'pom'),
      kafkaLibsDir(context),
    );
  });
}

export function log4jConfig(): string {
  return `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.reflections=ERROR
`;
}

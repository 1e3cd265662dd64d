import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onceMarked } from '../artifact-downloads.js';
import { pickJava } from '../java-finder.js';
import { runChecked } from '../run-command.js';
import type { ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';

/**
 * Apicurio Registry, which serves the Confluent Schema Registry API at /apis/ccompat/v6 (and its
 * own at /apis/registry/v2, which Apicurio's Kafka Connect converter speaks).
 *
 * Maven Central holds the registry as a Quarkus application jar, not as a runnable distribution,
 * so install builds one: a small project depending on that jar goes through Quarkus's own build
 * (augmentation). 2.1.5.Final is the newest release whose whole dependency closure resolves from
 * Maven Central: later ones need Apicurio's config-index deployment artifacts or poms that are
 * only on other repositories. Its JSON Schema support needs everit-json-schema, published to
 * Maven Central by its author under com.github.erosb rather than under the JitPack group it asks for.
 */
export const apicurioRegistryRelease = { version: '2.1.5.Final', quarkus: '2.2.3.Final', everitJsonSchema: '1.14.0' } as const;

const registryHome = (context: StackContext) => join(context.paths.opt, `apicurio-registry-${apicurioRegistryRelease.version}`);
const runnerJar = (context: StackContext) => join(registryHome(context), 'target', 'schema-registry-runner.jar');

/** The Confluent-compatible API's base URL, as clients (and SCHEMA_REGISTRY_URL) use it. */
export const confluentApiUrl = (port: number): string => `http://127.0.0.1:${port}/apis/ccompat/v6`;
/** Apicurio's own API, used by its Kafka Connect converter. */
export const apicurioApiUrl = (port: number): string => `http://127.0.0.1:${port}/apis/registry/v2`;

function buildProject(): string {
  const { version, quarkus, everitJsonSchema } = apicurioRegistryRelease;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.gateway.stack</groupId><artifactId>schema-registry</artifactId><version>1</version><packaging>jar</packaging>
<properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
<dependencyManagement><dependencies>
<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-bom</artifactId><version>${quarkus}</version><type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependencies>
<dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>${version}</version>
<exclusions><exclusion><groupId>com.github.everit-org.json-schema</groupId><artifactId>org.everit.json.schema</artifactId></exclusion></exclusions></dependency>
<dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>${everitJsonSchema}</version></dependency>
</dependencies>
<build><finalName>schema-registry</finalName><plugins><plugin><groupId>io.quarkus</groupId><artifactId>quarkus-maven-plugin</artifactId><version>${quarkus}</version>
<executions><execution><goals><goal>build</goal></goals></execution></executions></plugin></plugins></build>
</project>
`;
}

/** The application's classes live in a dependency, which Quarkus only scans for beans when told to. */
const buildProperties = `quarkus.index-dependency.registry-app.group-id=io.apicurio
quarkus.index-dependency.registry-app.artifact-id=apicurio-registry-app
`;

export const schemaRegistryService: ServiceDefinition = {
  name: 'registry',
  dependsOn: [],
  port: (config) => config.ports.schemaRegistry,

  async install(context) {
    const home = registryHome(context);
    await onceMarked(join(home, '.installed'), async () => {
      context.log(`registry: building Apicurio Registry ${apicurioRegistryRelease.version} from its Maven Central jars (Quarkus build)`);
      mkdirSync(join(home, 'src', 'main', 'resources'), { recursive: true });
      writeFileSync(join(home, 'pom.xml'), buildProject());
      writeFileSync(join(home, 'src', 'main', 'resources', 'application.properties'), buildProperties);
      await runChecked('mvn', ['-q', '-B', '-f', join(home, 'pom.xml'), 'package', '-DskipTests'], { timeoutMs: 20 * 60_000 });
    });
  },

  prepareLaunch(context) {
    const dataDir = dataDirOf(context, 'registry');
    const java = pickJava(context.javaInstallations, { min: 17, max: 21 }, 'Apicurio Registry');
    return {
      command: join(java.home, 'bin', 'java'),
      args: ['-Xms128m', '-Xmx256m', '-XX:+UseSerialGC', '-jar', runnerJar(context)],
      env: {
        ...context.childEnv,
        HTTP_PORT: String(context.config.ports.schemaRegistry),
        // A file database instead of the in-memory default: Avro messages stay in Kafka across
        // restarts, and a registry that forgot their schemas (or reissued the ids) would strand them.
        REGISTRY_DATASOURCE_URL: `jdbc:h2:file:${join(dataDir, 'registry')};DB_CLOSE_ON_EXIT=FALSE`,
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_DATASOURCE_JDBC_INITIAL_SIZE: '2',
        QUARKUS_DATASOURCE_JDBC_MIN_SIZE: '2',
        QUARKUS_DATASOURCE_JDBC_MAX_SIZE: '20',
      },
      cwd: dataDir,
    };
  },

  async isReady(context) {
    const port = context.config.ports.schemaRegistry;
    const health = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    if (!health.ok) return false;
    const subjects = await fetch(`${confluentApiUrl(port)}/subjects`, { signal: AbortSignal.timeout(3_000) });
    return subjects.ok;
  },
};

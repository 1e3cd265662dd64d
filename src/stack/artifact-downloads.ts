import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from './run-command.js';

/**
 * Downloads go through Maven, so they land in the local Maven repository (~/.m2) and a second clone
 * or a reset stack reuses them; copying out of ~/.m2 takes seconds.
 */
export async function copyMavenArtifact(coordinates: string, outputDirectory: string): Promise<void> {
  mkdirSync(outputDirectory, { recursive: true });
  await runChecked('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDirectory}`], {
    timeoutMs: 15 * 60_000,
  });
}

export interface MavenDependency {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

/** Copies the runtime dependency closure of `dependencies` into `outputDirectory` (one flat folder of jars). */
export async function copyMavenDependencies(
  dependencies: readonly MavenDependency[],
  workDirectory: string,
  outputDirectory: string,
  options: { excludeGroupIds?: readonly string[] } = {},
): Promise<void> {
  mkdirSync(workDirectory, { recursive: true });
  const xml = dependencies
    .map(
      (d) =>
        `<dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join('\n');
  writeFileSync(
    join(workDirectory, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.gateway.stack</groupId><artifactId>runtime</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>${xml}</dependencies></project>\n`,
  );
  await runChecked(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(workDirectory, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${outputDirectory}`,
      ...(options.excludeGroupIds === undefined ? [] : [`-DexcludeGroupIds=${options.excludeGroupIds.join(',')}`]),
    ],
    { timeoutMs: 15 * 60_000 },
  );
}

/** Runs `step` once: a marker file records completion so a second `up` skips it. */
export async function onceMarked(marker: string, step: () => Promise<void>): Promise<void> {
  if (existsSync(marker)) return;
  await step();
  writeFileSync(marker, new Date().toISOString());
}

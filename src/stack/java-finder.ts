import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JavaInstallation {
  readonly home: string;
  readonly major: number;
}

function majorVersionOf(home: string): number | null {
  try {
    const release = readFileSync(join(home, 'release'), 'utf8');
    const match = /JAVA_VERSION="(\d+)(?:\.(\d+))?/.exec(release);
    if (match === null) return null;
    // Java 8 reports itself as 1.8.
    return match[1] === '1' ? Number(match[2]) : Number(match[1]);
  } catch {
    return null;
  }
}

/** Every JDK on the machine: $JAVA_HOME first, then the Debian JVM folder. */
export function listJavaInstallations(javaHome: string | undefined, jvmFolder = '/usr/lib/jvm'): JavaInstallation[] {
  const homes = new Set<string>();
  if (javaHome !== undefined && javaHome !== '') homes.add(javaHome);
  if (existsSync(jvmFolder)) {
    for (const entry of readdirSync(jvmFolder)) homes.add(join(jvmFolder, entry));
  }
  const found: JavaInstallation[] = [];
  for (const home of homes) {
    const major = majorVersionOf(home);
    if (major !== null && existsSync(join(home, 'bin', 'java'))) found.push({ home, major });
  }
  return found;
}

/**
 * Picks the newest JDK within the component's supported range. Components are not assumed to run on
 * whatever `java` is first on the PATH: Elasticsearch 8 and Debezium 3 need 17+, Kafka 3.9 is
 * tested up to 23.
 */
export function pickJava(
  installations: readonly JavaInstallation[],
  range: { min: number; max: number },
  component: string,
): JavaInstallation {
  const suitable = installations.filter((java) => java.major >= range.min && java.major <= range.max).sort((a, b) => b.major - a.major);
  const chosen = suitable[0];
  if (chosen === undefined) {
    const seen = installations.map((java) => `${java.major} (${java.home})`).join(', ') || 'none';
    throw new Error(`${component} needs a JDK between ${range.min} and ${range.max}; found: ${seen}`);
  }
  return chosen;
}

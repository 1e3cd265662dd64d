import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig } from '../../src/config/stack-config.js';
import { repoRoot } from '../../src/repo-root.js';

/**
 * Figures of a reliability run, written as `<stack dir>/reliability/<name>.json` for the
 * RELIABILITY.md generator to merge; returns the file's path.
 */
export function writeReliabilityFigures(name: string, figures: Readonly<Record<string, unknown>>): string {
  const dir = join(loadStackConfig(process.env, repoRoot()).root, 'reliability');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, writtenAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
  return file;
}

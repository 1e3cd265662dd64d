import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../../src/repo-root.js';

const major = (version: string) => Number(/(\d+)/.exec(version)?.[1] ?? 0);

describe('supported Node', () => {
  it('runs on Node 22 LTS or newer, which scripts/run.sh provides when the installed node is older', () => {
    assert.ok(major(process.versions.node) >= 22, `running on Node ${process.versions.node}`);
  });

  it('declares Node 22 in engines, @types/node and the Docker image, and ships no browser driver at runtime', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(major(manifest.engines.node), 22);
    assert.equal(major(manifest.devDependencies['@types/node'] ?? ''), 22);
    assert.equal(manifest.dependencies['playwright-core'], undefined, 'playwright-core is a test tool');
    assert.ok(manifest.devDependencies['playwright-core'] !== undefined);
    const dockerfile = readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8');
    assert.deepEqual(
      [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1]),
      ['22', '22'],
    );
  });
});

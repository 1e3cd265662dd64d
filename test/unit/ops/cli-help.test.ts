import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = (name: string) => fileURLToPath(new URL(`../../../src/cli/${name}.js`, import.meta.url));

describe('command-line help', () => {
  for (const name of ['start', 'sync', 'reindex', 'check', 'stack']) {
    it(`npm run ${name} -- --help explains the command and exits 0 without touching a service`, () => {
      const result = spawnSync(process.execPath, [cli(name), '--help'], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, MYSQL_URL: 'mysql://nobody@127.0.0.1:1/none' },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Usage: npm (start|run \w+)/);
    });
  }

  it('refuses an unknown option of npm start, naming it', () => {
    const result = spawnSync(process.execPath, [cli('start'), '--api-onyl'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /unknown option --api-onyl/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadStackConfig } from '../../../src/config/stack-config.js';
import { repoRoot } from '../../../src/repo-root.js';
import { createStackContext, stackDown, stackStatus, stackUp } from '../../../src/stack/stack.js';
import { isPortOpen } from '../../../src/stack/wait-until.js';

const context = createStackContext(loadStackConfig(process.env, repoRoot()), process.env, () => undefined);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Everything `npm run stack -- status` prints, via the real CLI. */
function statusOutput(): string {
  return execFileSync(process.execPath, [`${repoRoot()}/dist/src/cli/stack.js`, 'status'], { encoding: 'utf8' });
}

describe('npm run stack', () => {
  it('reports every service running with its port and pid', async () => {
    const rows = await stackStatus(context);
    assert.deepEqual(
      rows.map((row) => row.service),
      ['mariadb', 'redis', 'kafka', 'elasticsearch', 'registry', 'connect'],
    );
    for (const row of rows) {
      assert.equal(row.state, 'running', `${row.service} is ${row.state}`);
      assert.ok(row.pid !== null && alive(row.pid));
    }
    const printed = statusOutput();
    for (const row of rows) assert.match(printed, new RegExp(`^${row.service}\\s+running\\s+${row.port}\\s+${row.pid}$`, 'm'));
  });

  it('restarts only the service that died when up runs again', async () => {
    const before = new Map((await stackStatus(context)).map((row) => [row.service, row.pid]));
    const redisPid = before.get('redis') ?? 0;
    process.kill(redisPid, 'SIGKILL');
    while (alive(redisPid)) await new Promise((resolve) => setTimeout(resolve, 50));
    await stackUp(context);
    const after = new Map((await stackStatus(context)).map((row) => [row.service, row.pid]));
    assert.notEqual(after.get('redis'), redisPid, 'redis has a new process');
    for (const service of ['mariadb', 'kafka', 'elasticsearch', 'registry', 'connect'] as const) {
      assert.equal(after.get(service), before.get(service), `${service} was left alone`);
    }
  });

  it('leaves no process it started after down, and comes back with up', { timeout: 600_000 }, async () => {
    const rows = await stackStatus(context);
    await stackDown(context);
    for (const row of rows) {
      assert.ok(row.pid !== null && !alive(row.pid), `${row.service} (pid ${row.pid}) still runs`);
      assert.equal(await isPortOpen(row.port), false, `port ${row.port} of ${row.service} still open`);
    }
    assert.deepEqual(
      (await stackStatus(context)).map((row) => row.state),
      Array(rows.length).fill('stopped'),
    );
    await stackUp(context);
    assert.deepEqual(
      (await stackStatus(context)).map((row) => row.state),
      Array(rows.length).fill('running'),
    );
  });
});

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { copyMavenArtifact, onceMarked } from '../artifact-downloads.js';
import { ensureDebianPackages } from '../debian-packages.js';
import { pickJava } from '../java-finder.js';
import { runChecked, runCommand } from '../run-command.js';
import type { ServiceDefinition, StackContext } from '../stack-context.js';
import { dataDirOf } from '../stack-context.js';

const esHome = (context: StackContext) => join(context.paths.opt, `elasticsearch-${context.config.versions.elasticsearch}`);

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const uid = await runCommand('id', ['-u', name]);
  if (uid.code !== 0) {
    await runChecked('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name]);
  }
  return {
    uid: Number((await runChecked('id', ['-u', name])).trim()),
    gid: Number((await runChecked('id', ['-g', name])).trim()),
  };
}

/**
 * Elasticsearch runs as its own user, which must be able to walk down to the stack folder. A checkout
 * under a private home folder would stop it, so missing search permission is granted on each
 * ancestor (execute only: nothing becomes listable or readable).
 */
async function grantTraversal(path: string, log: (line: string) => void): Promise<void> {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      log(`elasticsearch: granting search (o+x) on ${dir} so the Elasticsearch user can reach the stack folder`);
      await chmod(dir, statSync(dir).mode | 0o001);
    }
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export const elasticsearchService: ServiceDefinition = {
  name: 'elasticsearch',
  dependsOn: [],
  port: (config) => config.ports.elasticsearch,

  async install(context) {
    const version = context.config.versions.elasticsearch;
    const home = esHome(context);
    await onceMarked(join(home, '.installed'), async () => {
      await ensureDebianPackages([{ name: 'unzip', binary: '/usr/bin/unzip' }], context.log);
      context.log(`elasticsearch: fetching Elasticsearch ${version} (integration-test zip) from Maven Central`);
      const downloads = join(context.paths.opt, 'downloads');
      await copyMavenArtifact(`org.elasticsearch.distribution.integ-test-zip:elasticsearch:${version}:zip`, downloads);
      await runChecked('unzip', ['-q', '-o', join(downloads, `elasticsearch-${version}.zip`), '-d', context.paths.opt]);
    });
  },

  async prepareLaunch(context) {
    const home = esHome(context);
    const dataDir = dataDirOf(context, 'elasticsearch');
    const java = pickJava(context.javaInstallations, { min: 17, max: 24 }, 'Elasticsearch 8');
    const env = {
      ...context.childEnv,
      ES_JAVA_HOME: java.home,
      ES_JAVA_OPTS: `-Xms${context.config.elasticsearchHeap} -Xmx${context.config.elasticsearchHeap}`,
      ES_TMPDIR: join(dataDir, 'tmp'),
      HOME: dataDir,
    };
    await runChecked('mkdir', ['-p', join(dataDir, 'tmp'), join(dataDir, 'data'), join(dataDir, 'logs')]);
    const settings = {
      'cluster.name': 'gateway-stack',
      'node.name': 'gateway-es',
      'discovery.type': 'single-node',
      'network.host': '127.0.0.1',
      'http.port': String(context.config.ports.elasticsearch),
      'transport.port': String(context.config.ports.elasticsearchTransport),
      'path.data': join(dataDir, 'data'),
      'path.logs': join(dataDir, 'logs'),
      // A nearly full development disk must not turn indices read-only under the tests.
      'cluster.routing.allocation.disk.threshold_enabled': 'false',
      // Some builds of the integration-test zip carry the security module, which would switch HTTP
      // to TLS with generated passwords; the local stack listens on loopback only.
      ...(existsSync(join(home, 'modules', 'x-pack-security')) ? { 'xpack.security.enabled': 'false' } : {}),
    };
    const args = [join(home, 'bin', 'elasticsearch'), ...Object.entries(settings).flatMap(([key, value]) => ['-E', `${key}=${value}`])];
    if (!isRoot()) return { command: args[0] ?? '', args: args.slice(1), env, cwd: home };

    // Elasticsearch refuses to run as root: drop to a dedicated user that owns its folders.
    const { uid, gid } = await userIds(context.config.elasticsearchUser);
    await grantTraversal(home, context.log);
    await runChecked('chown', ['-R', `${uid}:${gid}`, home, dataDir]);
    try {
      accessSync(join(home, 'bin', 'elasticsearch'), constants.R_OK);
    } catch {
      throw new Error(`elasticsearch: ${home} is not readable`);
    }
    return { command: 'setpriv', args: [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...args], env, cwd: home };
  },

  async isReady(context) {
    const response = await fetch(
      `http://127.0.0.1:${context.config.ports.elasticsearch}/_cluster/health?wait_for_status=yellow&timeout=1s`,
      {
        signal: AbortSignal.timeout(3_000),
      },
    );
    if (!response.ok) return false;
    const health = (await response.json()) as { status?: string };
    return health.status === 'green' || health.status === 'yellow';
  },
};

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { loadGatewayConfig } from '../config/gateway-config.js';
import { loadStackConfig } from '../config/stack-config.js';
import { seedDemoDataIfEmpty } from './local-stack.js';
import { errorMessage } from '../errors.js';
import { repoRoot } from '../repo-root.js';
import { createStackContext, stackUp } from '../stack/stack.js';
import { stackEnvironment } from '../stack/stack-env.js';

const usage = `Usage: npm test [-- [--unit | --faults | --soak] [path-filter...]]

Brings the local stack up (installing what is missing), then runs every test with Node's test
runner against the real services. --unit runs only test/unit without starting the stack.
--faults (npm run test:faults) runs only the fault-injection suite in test/faults, which stops and
kills the local stack's services and restores them, and rewrites RELIABILITY.md; its soak lasts
SOAK_SECONDS (default 90). --soak runs only the soak, for SOAK_SECONDS or else 10 minutes.
The default run leaves test/faults out. Path filters keep only test files whose path contains
one of them.`;

/** Which test files a run selects, by its flags. */
type Selection = 'default' | 'unit' | 'faults' | 'soak';

/** `npm run test:faults -- --soak` passes both flags: the soak is then the whole selection. */
function selectionOf(argv: readonly string[]): Selection {
  const faults = argv.includes('--faults') || argv.includes('--soak');
  if (argv.includes('--unit') && faults) throw new Error('--unit excludes --faults and --soak');
  if (argv.includes('--unit')) return 'unit';
  if (argv.includes('--soak')) return 'soak';
  return faults ? 'faults' : 'default';
}

function selectedFiles(compiled: string, selection: Selection): string[] {
  const faults = join(compiled, 'faults');
  switch (selection) {
    case 'unit':
      return testFiles(join(compiled, 'unit'));
    case 'faults':
      return testFiles(faults);
    case 'soak':
      return testFiles(faults).filter((file) => file.endsWith(`${sep}soak.test.js`));
    case 'default':
      // The fault suite stops services and runs for a long time: only on request.
      return testFiles(compiled).filter((file) => !file.startsWith(`${faults}${sep}`));
  }
}

function testFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .flatMap((entry) => {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) return testFiles(path);
      return entry.endsWith('.test.js') ? [path] : [];
    })
    .sort();
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(usage);
    return 0;
  }
  const root = repoRoot();
  const selection = selectionOf(argv);
  const unitOnly = selection === 'unit';
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const stackConfig = loadStackConfig(process.env, root);
  let env: NodeJS.ProcessEnv = process.env;
  if (!unitOnly) {
    const context = createStackContext(stackConfig, process.env, (line) => console.error(`[stack] ${line}`));
    await stackUp(context);
    // Tests talk to the stack just brought up, whatever the caller's environment says.
    env = { ...process.env, ...stackEnvironment(stackConfig), NODE_ENV: 'development' };
    if (selection === 'soak') env.SOAK_SECONDS ??= '600';
    // The suite runs against the same demo data set `npm start` serves (deterministic, 2000
    // products); tests that change data use rows of their own on top of it.
    await seedDemoDataIfEmpty(loadGatewayConfig(env), 2000, (line) => console.error(`[test] ${line}`));
  }
  const compiled = join(root, 'dist', 'test');
  // Only files whose TypeScript source still exists: a deleted test must not run from a stale dist/.
  const files = selectedFiles(compiled, selection)
    .filter((file) => existsSync(join(root, relative(join(root, 'dist'), file)).replace(/\.js$/, '.ts')))
    .filter((file) => filters.length === 0 || filters.some((filter) => relative(root, file).includes(filter)));
  if (files.length === 0) throw new Error('no test files matched');
  // Explicit file paths (selected above by flag and filter). One file at a time: integration tests share services.
  // --test-force-exit: a client left open (a pool a failed test never closed, a Kafka connection
  // after a broker restart) would keep a file's process alive after its tests finished, and the
  // run would hang until CI's limit instead of reporting the failure.
  const runner = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-force-exit', ...files], {
    env,
    stdio: 'inherit',
    cwd: root,
  });
  return new Promise((resolve) => runner.once('close', (code) => resolve(code ?? 1)));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tests could not run: ${errorMessage(error)}`);
    process.exit(1);
  },
);

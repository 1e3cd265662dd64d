import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadGatewayConfig } from '../config/gateway-config.js';
import { loadStackConfig } from '../config/stack-config.js';
import { seedDemoDataIfEmpty } from './local-stack.js';
import { errorMessage } from '../errors.js';
import { repoRoot } from '../repo-root.js';
import { createStackContext, stackUp } from '../stack/stack.js';
import { stackEnvironment } from '../stack/stack-env.js';

const usage = `Usage: npm test [-- [--unit] [path-filter...]]

Brings the local stack up (installing what is missing), then runs every test with Node's test
runner against the real services. --unit runs only test/unit without starting the stack.
Path filters keep only test files whose path contains one of them.`;

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
  const unitOnly = argv.includes('--unit');
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const stackConfig = loadStackConfig(process.env, root);
  let env: NodeJS.ProcessEnv = process.env;
  if (!unitOnly) {
    const context = createStackContext(stackConfig, process.env, (line) => console.error(`[stack] ${line}`));
    await stackUp(context);
    // Tests talk to the stack just brought up, whatever the caller's environment says.
    env = { ...process.env, ...stackEnvironment(stackConfig), NODE_ENV: 'development' };
    // The suite runs against the same demo data set `npm start` serves (deterministic, 2000
    // products); tests that change data use rows of their own on top of it.
    await seedDemoDataIfEmpty(loadGatewayConfig(env), 2000, (line) => console.error(`[test] ${line}`));
  }
  const compiled = join(root, 'dist', 'test');
  const files = testFiles(unitOnly ? join(compiled, 'unit') : compiled).filter(
    (file) => filters.length === 0 || filters.some((filter) => relative(root, file).includes(filter)),
  );
  if (files.length === 0) throw new Error('no test files matched');
  // Node 20's runner takes file paths, not globs. One file at a time: integration tests share services.
  const runner = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...files], { env, stdio: 'inherit', cwd: root });
  return new Promise((resolve) => runner.once('close', (code) => resolve(code ?? 1)));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tests could not run: ${errorMessage(error)}`);
    process.exit(1);
  },
);

import { existsSync } from 'node:fs';
import { runChecked, runCommand } from './run-command.js';

let aptUpdated = false;

/**
 * Installs Debian packages when their binaries are missing. Debian starts freshly installed servers
 * through its init scripts on some machines; those would hold our ports, so they are stopped again:
 * the stack runs its own instances with its own data folders.
 */
export async function ensureDebianPackages(
  packages: readonly { name: string; binary: string; service?: string }[],
  log: (line: string) => void,
): Promise<void> {
  const missing = packages.filter((pkg) => !existsSync(pkg.binary));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing ${missing.map((pkg) => pkg.name).join(', ')}: install them (apt-get install ${missing.map((pkg) => pkg.name).join(' ')}) or run as root`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    await runChecked('apt-get', ['update', '-qq'], { env, timeoutMs: 10 * 60_000 });
    aptUpdated = true;
  }
  log(`apt-get install ${missing.map((pkg) => pkg.name).join(' ')}`);
  await runChecked('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((pkg) => pkg.name)], {
    env,
    timeoutMs: 15 * 60_000,
  });
  for (const pkg of missing) {
    if (pkg.service !== undefined) await runCommand('service', [pkg.service, 'stop'], { env });
  }
}

import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ensureDebianPackages } from '../../src/stack/debian-packages.js';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, installed on first use (idempotent: nothing happens when it is there), driven
 * by playwright-core. Playwright's own browser downloads are not used: the distribution's build is
 * what a CI machine can install from its package mirror.
 */
export async function launchChromium(): Promise<Browser> {
  await ensureDebianPackages([{ name: 'chromium', binary: CHROMIUM }], (line) => console.error(`[chromium] ${line}`));
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

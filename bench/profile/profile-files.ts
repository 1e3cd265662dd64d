import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CpuProfile, ProfileSummary } from './cpu-profile.js';
import { profileWindow, summarizeProfile } from './cpu-profile.js';
import { flameGraphSvg, foldedStacks } from './flame-graph.js';

/**
 * A `node --cpu-prof` of a bench child: the flags to start it with, and once it stopped, its profile
 * cut to [fromUs, toUs] of its monotonic clock (start-up and warm-up left out) and written next to the
 * report as `<stem>-<name>.cpuprofile` (raw, whole process), `-flame.svg` and `.folded` (the window).
 */
export interface ProcessProfile {
  readonly execArgv: readonly string[];
  /** Reads the profile the stopped process wrote; `requestsPerSecond` is what the load achieved meanwhile, if any. */
  report(window: { fromUs: number; toUs: number }, title: string, requestsPerSecond: number | null): Promise<ProfileSummary>;
  close(): Promise<void>;
}

export async function startProcessProfile(outputStem: string, name: string): Promise<ProcessProfile> {
  const directory = await mkdtemp(join(tmpdir(), `bench-${name}-prof-`));
  return {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${directory}`, `--cpu-prof-name=${name}.cpuprofile`],
    async report({ fromUs, toUs }, title, requestsPerSecond) {
      const file = (await readdir(directory)).find((entry) => entry.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error(`the profiled process (${name}) wrote no .cpuprofile`);
      const text = await readFile(join(directory, file), 'utf8');
      const whole = JSON.parse(text) as CpuProfile;
      const cut = profileWindow(whole, fromUs, toUs);
      // Should the clocks ever disagree, the whole profile is better than an empty one.
      const windowed = cut.samples.length > 100;
      const profile = windowed ? cut : whole;
      const [profilePath, flamePath, foldedPath] = [
        `${outputStem}-${name}.cpuprofile`,
        `${outputStem}-${name}-flame.svg`,
        `${outputStem}-${name}.folded`,
      ];
      await writeFile(profilePath, text);
      await writeFile(flamePath, flameGraphSvg(profile, title));
      await writeFile(foldedPath, foldedStacks(profile));
      await pruneOlderPictures(outputStem);
      return {
        ...summarizeProfile(profile, profilePath),
        window: windowed ? 'measured load' : 'whole process',
        requestsPerSecond,
        flameGraph: flamePath,
        foldedStacks: foldedPath,
      };
    },
    close: () => rm(directory, { recursive: true, force: true }),
  };
}

/**
 * bench/results keeps the pictures of the latest report only (each run's figures stay in its .md and
 * .json): flame graphs of older runs are deleted once a new one is written. Folded stacks and raw
 * profiles are not committed at all (.gitignore).
 */
async function pruneOlderPictures(outputStem: string): Promise<void> {
  const directory = dirname(outputStem);
  const current = `${basename(outputStem)}-`;
  for (const entry of await readdir(directory)) {
    if (entry.endsWith('-flame.svg') && !entry.startsWith(current)) await rm(join(directory, entry), { force: true });
  }
}

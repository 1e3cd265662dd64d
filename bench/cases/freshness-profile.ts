import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpuProfile, ProfileSummary } from '../profile/cpu-profile.js';
import { profileWindow, summarizeProfile } from '../profile/cpu-profile.js';
import { flameGraphSvg, foldedStacks } from '../profile/flame-graph.js';

/**
 * `node --cpu-prof` of F1's consumer process, cut to the writer's window (start-up and the initial
 * inserts left out). The raw profile, folded stacks and flame graph go next to the report as
 * `<stem>-f1-consumer.*`.
 */
export interface ConsumerProfiler {
  readonly execArgv: readonly string[];
  /** Reads the profile the stopped process wrote and summarizes [fromUs, toUs] of its clock. */
  summarize(fromUs: number, toUs: number, title: string): Promise<ProfileSummary>;
  close(): Promise<void>;
}

export async function createConsumerProfiler(outputStem: string): Promise<ConsumerProfiler> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-f1-prof-'));
  return {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${directory}`, '--cpu-prof-name=f1-consumer.cpuprofile'],
    async summarize(fromUs, toUs, title) {
      const file = (await readdir(directory)).find((name) => name.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error('the profiled F1 consumer wrote no .cpuprofile');
      const text = await readFile(join(directory, file), 'utf8');
      const whole = JSON.parse(text) as CpuProfile;
      const cut = profileWindow(whole, fromUs, toUs);
      const windowed = cut.samples.length > 100;
      const profile = windowed ? cut : whole;
      const profilePath = `${outputStem}-f1-consumer.cpuprofile`;
      const flamePath = `${outputStem}-f1-consumer-flame.svg`;
      const foldedPath = `${outputStem}-f1-consumer.folded`;
      await writeFile(profilePath, text);
      await writeFile(flamePath, flameGraphSvg(profile, title));
      await writeFile(foldedPath, foldedStacks(profile));
      return { ...summarizeProfile(profile, profilePath), window: windowed ? 'measured load' : 'whole process', requestsPerSecond: null, flameGraph: flamePath, foldedStacks: foldedPath };
    },
    close: () => rm(directory, { recursive: true, force: true }),
  };
}

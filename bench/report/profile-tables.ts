import type { ProfileSummary } from '../profile/cpu-profile.js';
import { fixed } from './format.js';

/** A process's CPU profile as two tables: self time by component, then the top functions. */
export function profileTables(profile: ProfileSummary, whose: string): string[] {
  return [
    `CPU profile of ${whose} (\`node --cpu-prof\`, ${fixed(profile.durationMs / 1000, 1)} s of ${profile.window}, idle ${fixed(profile.idlePercent, 1)}%; folded stacks \`${profile.foldedStacks ?? '–'}\`). Self time by component and the top functions:`,
    '',
    '| component | self ms | % of busy |',
    '| --- | --- | --- |',
    ...profile.components.slice(0, 12).map((entry) => `| ${entry.component} | ${fixed(entry.selfMs)} | ${fixed(entry.selfPercent, 1)} |`),
    '',
    '| function | where | self ms | % of busy |',
    '| --- | --- | --- | --- |',
    ...profile.topFunctions
      .slice(0, 20)
      .map((entry) => `| \`${entry.name}\` | ${entry.location} | ${fixed(entry.selfMs)} | ${fixed(entry.selfPercent, 1)} |`),
    '',
  ];
}

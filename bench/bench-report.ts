import type { BenchOptions } from './bench-options.js';
import type { CdcResults } from './cases/cdc-apply.js';
import type { FreshnessResults } from './cases/freshness.js';
import type { SustainedResults } from './cases/sustained-rate.js';
import type { ReadPathResults } from './cases/read-path-cases.js';
import type { SearchResults } from './cases/search-case.js';
import type { MachineInfo } from './machine-info.js';
import type { ProfileSummary } from './profile/cpu-profile.js';

/** Everything one run measured: written as JSON as is, and rendered to Markdown. */
export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly command: string;
  readonly options: Omit<BenchOptions, 'cases'> & { readonly cases: readonly string[] };
  readonly machine: MachineInfo;
  /** Load averages at the end: with those at the start, how busy the machine was with other work. */
  readonly loadAverageAtEnd: readonly number[];
  readonly versions: Readonly<Record<string, string>>;
  readonly database: { readonly name: string; readonly size: number; readonly seeded: boolean; readonly seedSeconds: number };
  readonly readPath: ReadPathResults | null;
  readonly search: SearchResults | null;
  readonly cdc: CdcResults | null;
  readonly freshness: FreshnessResults | null;
  readonly sustained: SustainedResults | null;
  readonly profile: ProfileSummary | null;
  readonly targets: readonly TargetCheck[];
  readonly errors: readonly { readonly phase: string; readonly message: string }[];
}

export interface TargetCheck {
  readonly id: string;
  readonly what: string;
  /** The measured figure, formatted; null when the case did not run. */
  readonly figure: string | null;
  readonly target: string;
  /** null: not measured. */
  readonly met: boolean | null;
}

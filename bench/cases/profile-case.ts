import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import type { BenchChild } from '../child-process.js';
import type { CpuProfile, ProfileSummary } from '../profile/cpu-profile.js';
import { profileWindow, summarizeProfile } from '../profile/cpu-profile.js';
import { flameGraphSvg, foldedStacks } from '../profile/flame-graph.js';
import { PRODUCT_CARD_QUERY } from '../servers/product-card.js';
import { ensureProductCacheWarm, startGateway } from './bench-servers.js';
import type { LoadResult } from '../load/load-spec.js';

/**
 * P1: the G1 gateway under G1 load with `node --cpu-prof`, over the cache G1 warmed. The summary,
 * folded stacks and SVG flame graph cover only the measured load (start-up and warm-up cut off);
 * the raw `.cpuprofile` (whole process) is written next to the report as `<stem>-g1.cpuprofile`.
 */
export async function runProfileCase(context: BenchContext, database: BenchDatabase, load: BenchChild<unknown>, outputStem: string): Promise<ProfileSummary> {
  await ensureProductCacheWarm(context, database.readerUrl, database.size);
  const directory = await mkdtemp(join(tmpdir(), 'bench-cpu-prof-'));
  try {
    const gateway = await startGateway(context, 'g1-profiled', {
      cacheName: 'rows',
      mysqlUrl: database.readerUrl,
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${directory}`, '--cpu-prof-name=g1.cpuprofile'],
    });
    const spec = {
      url: gateway.ready.url,
      connections: context.options.connections,
      query: PRODUCT_CARD_QUERY,
      variables: { id: { kind: 'random-id', min: 1, max: database.size } },
    } as const;
    if (context.options.warmupSeconds > 0) await load.request<LoadResult>('run', { ...spec, durationSeconds: context.options.warmupSeconds });
    const fromUs = await gateway.request<number>('clock');
    const result = await load.request<LoadResult>('run', { ...spec, durationSeconds: context.options.durationSeconds });
    const toUs = await gateway.request<number>('clock');
    await gateway.stop();
    const file = (await readdir(directory)).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the profiled gateway wrote no .cpuprofile');
    const text = await readFile(join(directory, file), 'utf8');
    const whole = JSON.parse(text) as CpuProfile;
    const cut = profileWindow(whole, fromUs, toUs);
    // Should the clocks ever disagree, the whole profile is better than an empty one.
    const windowed = cut.samples.length > 100;
    const profile = windowed ? cut : whole;
    const profilePath = `${outputStem}-g1.cpuprofile`;
    const flamePath = `${outputStem}-g1-flame.svg`;
    const foldedPath = `${outputStem}-g1.folded`;
    await writeFile(profilePath, text);
    await writeFile(flamePath, flameGraphSvg(profile, `Gateway under G1 load (product(id), cache hits), ${Math.round(result.requestsPerSecond)} req/s while profiled`));
    await writeFile(foldedPath, foldedStacks(profile));
    context.log(`  P1: ${Math.round(result.requestsPerSecond)} req/s while profiled; profile in ${profilePath}`);
    return { ...summarizeProfile(profile, profilePath), window: windowed ? 'measured load' : 'whole process', requestsPerSecond: result.requestsPerSecond, flameGraph: flamePath, foldedStacks: foldedPath };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

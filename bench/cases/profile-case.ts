import type { BenchContext } from '../bench-context.js';
import type { BenchDatabase } from '../bench-database.js';
import type { BenchChild } from '../child-process.js';
import type { ProfileSummary } from '../profile/cpu-profile.js';
import { startProcessProfile } from '../profile/profile-files.js';
import { PRODUCT_CARD_QUERY } from '../servers/product-card.js';
import { ensureProductCacheWarm, startGateway } from './bench-servers.js';
import type { LoadResult } from '../load/load-spec.js';

/**
 * P1: the G1 gateway under G1 load with `node --cpu-prof`, over the cache G1 warmed. The summary,
 * folded stacks and SVG flame graph cover only the measured load (start-up and warm-up cut off);
 * the raw `.cpuprofile` (whole process) is written next to the report as `<stem>-g1.cpuprofile`.
 */
export async function runProfileCase(
  context: BenchContext,
  database: BenchDatabase,
  load: BenchChild<unknown>,
  outputStem: string,
): Promise<ProfileSummary> {
  await ensureProductCacheWarm(context, database.readerUrl, database.size);
  const profiler = await startProcessProfile(outputStem, 'g1');
  try {
    const gateway = await startGateway(context, 'g1-profiled', {
      cacheName: 'rows',
      mysqlUrl: database.readerUrl,
      execArgv: [...profiler.execArgv],
    });
    const spec = {
      url: gateway.ready.url,
      connections: context.options.connections,
      query: PRODUCT_CARD_QUERY,
      variables: { id: { kind: 'random-id', min: 1, max: database.size } },
    } as const;
    if (context.options.warmupSeconds > 0)
      await load.request<LoadResult>('run', { ...spec, durationSeconds: context.options.warmupSeconds });
    const fromUs = await gateway.request<number>('clock');
    const result = await load.request<LoadResult>('run', { ...spec, durationSeconds: context.options.durationSeconds });
    const toUs = await gateway.request<number>('clock');
    await gateway.stop();
    const title = `Gateway under G1 load (product(id), cache hits), ${Math.round(result.requestsPerSecond)} req/s while profiled`;
    const summary = await profiler.report({ fromUs, toUs }, title, result.requestsPerSecond);
    context.log(`  P1: ${Math.round(result.requestsPerSecond)} req/s while profiled; profile in ${summary.file}`);
    return summary;
  } finally {
    await profiler.close();
  }
}

import type { Client } from '@elastic/elasticsearch';

/*
 * What the Elasticsearch node did for one index over a window: how many refreshes (scheduled ones
 * are "external": they make writes searchable) and how long each took, how much indexing and
 * merging ran. F1's "applied → searchable" step is bounded by these, not by the gateway.
 */

export interface IndexActivity {
  readonly seconds: number;
  readonly refreshes: number;
  readonly refreshMeanMs: number;
  readonly externalRefreshes: number;
  readonly externalRefreshMeanMs: number;
  readonly indexed: number;
  readonly indexMeanMs: number;
  readonly merges: number;
  readonly mergeMs: number;
  readonly segments: number;
}

interface Totals {
  readonly atMs: number;
  readonly refresh: { total: number; total_time_in_millis: number; external_total: number; external_total_time_in_millis: number };
  readonly indexing: { index_total: number; index_time_in_millis: number };
  readonly merges: { total: number; total_time_in_millis: number };
  readonly segments: { count: number };
}

async function totals(client: Client, index: string): Promise<Totals> {
  const stats = await client.indices.stats({ index, metric: ['refresh', 'indexing', 'merge', 'segments'] });
  const primaries = stats._all.primaries as unknown as Omit<Totals, 'atMs'>;
  return { atMs: Date.now(), ...primaries };
}

/** Starts the window now; the returned function ends it and reports the differences. */
export async function watchIndexActivity(client: Client, index: string): Promise<() => Promise<IndexActivity>> {
  const before = await totals(client, index);
  return async () => {
    const after = await totals(client, index);
    const refreshes = after.refresh.total - before.refresh.total;
    const external = after.refresh.external_total - before.refresh.external_total;
    const indexed = after.indexing.index_total - before.indexing.index_total;
    const mean = (ms: number, count: number) => (count === 0 ? 0 : ms / count);
    return {
      seconds: (after.atMs - before.atMs) / 1000,
      refreshes,
      refreshMeanMs: mean(after.refresh.total_time_in_millis - before.refresh.total_time_in_millis, refreshes),
      externalRefreshes: external,
      externalRefreshMeanMs: mean(after.refresh.external_total_time_in_millis - before.refresh.external_total_time_in_millis, external),
      indexed,
      indexMeanMs: mean(after.indexing.index_time_in_millis - before.indexing.index_time_in_millis, indexed),
      merges: after.merges.total - before.merges.total,
      mergeMs: after.merges.total_time_in_millis - before.merges.total_time_in_millis,
      segments: after.segments.count,
    };
  };
}

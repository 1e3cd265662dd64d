/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the time went: self time per function
 * and per component (Apollo, graphql-js, ioredis, node's HTTP stack, the gateway's own folders…).
 * Self time comes from the sample time deltas, not hit counts, so uneven sampling is accounted for.
 */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
  readonly name: string;
  readonly location: string;
  readonly component: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time. */
  readonly selfPercent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  /** What the summary covers: the measured load only, or (if the profile could not be cut) the whole process. */
  readonly window: 'measured load' | 'whole process';
  readonly busyMs: number;
  readonly idlePercent: number;
  readonly topFunctions: readonly FunctionTime[];
  readonly components: readonly { readonly component: string; readonly selfMs: number; readonly selfPercent: number }[];
  /** Busy time spent with a frame of the subsystem anywhere on the stack (callees included). */
  readonly subsystems: readonly { readonly subsystem: string; readonly inclusivePercent: number }[];
  /** Throughput while profiled (the profiler itself costs some). */
  readonly requestsPerSecond: number | null;
  readonly flameGraph: string | null;
  readonly foldedStacks: string | null;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** The component a frame belongs to, from its script URL. */
export function componentOf(url: string, functionName: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return 'V8 builtins / native';
  if (url.startsWith('node:')) {
    const module = url.slice(5);
    if (/^(_http|http|net|stream|internal\/streams|internal\/http|string_decoder|buffer|events|internal\/stream_base)/.test(module))
      return 'node: http, net, streams';
    if (/^internal\/(process\/task_queues|timers|async_hooks)|^timers/.test(module)) return 'node: microtasks, timers';
    return `node: ${module.split('/').slice(0, 2).join('/')}`;
  }
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch?.[1] !== undefined) {
    const name = packageMatch[1];
    if (['ioredis', 'redis-parser', 'denque', 'cluster-key-slot', 'standard-as-callback', 'redis-errors'].includes(name)) return 'ioredis';
    if (name.startsWith('@apollo/') || name.startsWith('@graphql-tools/') || name === 'lru-cache' || name === 'negotiator')
      return `Apollo Server (${name})`;
    return name;
  }
  const ownMatch = /\/(src|bench|test)\/([^/]+)\//.exec(url);
  if (ownMatch !== null) return `gateway ${ownMatch[1]}/${ownMatch[2]}`;
  return url.split('/').slice(-2).join('/');
}

function locationOf(url: string, line: number): string {
  if (url === '') return '';
  const trimmed = url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/dist\//, '');
  return `${trimmed}:${line + 1}`;
}

/** Self time per node id, in ms, from the samples and their time deltas. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    // timeDeltas[i] is the time since the previous sample: it belongs to the sample before it.
    const delta = profile.timeDeltas[index + 1] ?? 0;
    self.set(nodeId, (self.get(nodeId) ?? 0) + Math.max(0, delta) / 1000);
  });
  return self;
}

/**
 * The profile cut to [fromUs, toUs] on its own clock (monotonic µs): start-up and warm-up samples
 * are dropped, so the summary describes only the load that was measured.
 */
export function profileWindow(profile: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = profile.startTime;
  let previousKept: number | null = null;
  profile.samples.forEach((nodeId, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at < fromUs || at > toUs) return;
    samples.push(nodeId);
    timeDeltas.push(previousKept === null ? 0 : at - previousKept);
    previousKept = at;
  });
  return { ...profile, startTime: Math.max(profile.startTime, fromUs), endTime: Math.min(profile.endTime, toUs), samples, timeDeltas };
}

type FrameTest = (frame: CpuProfileNode['callFrame']) => boolean;

/** Subsystems whose inclusive share says what an optimization there could win at most. */
export const SUBSYSTEMS: readonly (readonly [string, FrameTest])[] = [
  ['Apollo Server (request pipeline, negotiation, hashing)', (frame) => frame.url.includes('/@apollo/')],
  ['graphql-js (parse, validate, execute)', (frame) => frame.url.includes('/node_modules/graphql/')],
  ['type-graphql resolver wrappers', (frame) => frame.url.includes('/type-graphql/')],
  ['AsyncLocalStorage / async hooks', (frame) => /^node:(internal\/)?async_hooks/.test(frame.url)],
  ['pino logging (with redaction)', (frame) => /\/(pino|@pinojs|sonic-boom)[/-]/.test(frame.url)],
  ['prom-client metrics', (frame) => frame.url.includes('/prom-client/')],
  ['ioredis', (frame) => /\/(ioredis|redis-parser|denque)\//.test(frame.url)],
  ['dataloader', (frame) => frame.url.includes('/dataloader/')],
  ['gateway src/server', (frame) => frame.url.includes('/src/server/')],
  ['gateway src/resolvers', (frame) => frame.url.includes('/src/resolvers/')],
  ['gateway src/cache', (frame) => frame.url.includes('/src/cache/')],
  ['gateway src/observability', (frame) => frame.url.includes('/src/observability/')],
  [
    'socket writes (writev, writeString…)',
    (frame) => frame.url === '' && /^(writev|writeString|writeUtf8String|writeBuffer)$/.test(frame.functionName),
  ],
  ['garbage collector', (frame) => frame.functionName === '(garbage collector)'],
];

/** Inclusive busy-time share per subsystem, from each node's path to the root. */
export function subsystemShares(profile: CpuProfile): { subsystem: string; inclusivePercent: number }[] {
  const self = selfTimes(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = SUBSYSTEMS.map(() => 0);
  let busy = 0;
  const visit = (node: CpuProfileNode, inherited: readonly boolean[]) => {
    if (node.callFrame.functionName === '(idle)') return;
    const on = SUBSYSTEMS.map(([, test], index) => inherited[index] === true || test(node.callFrame));
    const ms = self.get(node.id) ?? 0;
    busy += ms;
    on.forEach((active, index) => {
      if (active) totals[index] = (totals[index] ?? 0) + ms;
    });
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (child !== undefined) visit(child, on);
    }
  };
  const root = profile.nodes[0];
  if (root !== undefined) visit(root, []);
  return SUBSYSTEMS.map(([subsystem], index) => ({ subsystem, inclusivePercent: busy === 0 ? 0 : (100 * (totals[index] ?? 0)) / busy }));
}

export function summarizeProfile(
  profile: CpuProfile,
  file: string,
  top = 20,
): Omit<ProfileSummary, 'window' | 'requestsPerSecond' | 'flameGraph' | 'foldedStacks'> {
  const self = selfTimes(profile);
  const byFunction = new Map<string, { name: string; location: string; component: string; selfMs: number }>();
  const byComponent = new Map<string, number>();
  let idleMs = 0;
  let totalMs = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    totalMs += ms;
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    const component = componentOf(url, name);
    const key = `${name}@${url}:${lineNumber}`;
    const entry = byFunction.get(key) ?? { name, location: locationOf(url, lineNumber), component, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
    byComponent.set(component, (byComponent.get(component) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  const share = (ms: number) => (busyMs === 0 ? 0 : (100 * ms) / busyMs);
  return {
    file,
    durationMs: (profile.endTime - profile.startTime) / 1000,
    busyMs,
    idlePercent: totalMs === 0 ? 0 : (100 * idleMs) / totalMs,
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((entry) => ({ ...entry, selfPercent: share(entry.selfMs) })),
    components: [...byComponent]
      .map(([component, selfMs]) => ({ component, selfMs, selfPercent: share(selfMs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
    subsystems: subsystemShares(profile),
  };
}

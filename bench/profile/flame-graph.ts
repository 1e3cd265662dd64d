import type { CpuProfile, CpuProfileNode } from './cpu-profile.js';
import { componentOf, selfTimes } from './cpu-profile.js';

/**
 * Flame graphs of a `.cpuprofile`: folded stacks (`a;b;c <µs>`, the input of flamegraph.pl and
 * speedscope) and a self-contained SVG. Idle time is left out: the graph shows where busy time went.
 */
interface Frame {
  readonly name: string;
  readonly component: string;
  self: number;
  total: number;
  readonly children: Map<string, Frame>;
}

function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|dist)\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}`;
  return `${functionName === '' ? '(anonymous)' : functionName}${file}`;
}

/** Merges identical call paths (the profile has one node per path already, but names may repeat). */
function buildTree(profile: CpuProfile): Frame {
  const self = selfTimes(profile);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const root: Frame = { name: 'all', component: '(root)', self: 0, total: 0, children: new Map() };
  const visit = (node: CpuProfileNode, parent: Frame) => {
    if (node.callFrame.functionName === '(idle)') return;
    const isRoot = node.callFrame.functionName === '(root)';
    let frame = parent;
    if (!isRoot) {
      const name = frameName(node);
      frame = parent.children.get(name) ?? {
        name,
        component: componentOf(node.callFrame.url, node.callFrame.functionName),
        self: 0,
        total: 0,
        children: new Map(),
      };
      parent.children.set(name, frame);
    }
    frame.self += self.get(node.id) ?? 0;
    for (const childId of node.children ?? []) {
      const child = nodes.get(childId);
      if (child !== undefined) visit(child, frame);
    }
  };
  const first = profile.nodes[0];
  if (first !== undefined) visit(first, root);
  const total = (frame: Frame): number => {
    frame.total = frame.self + [...frame.children.values()].reduce((sum, child) => sum + total(child), 0);
    return frame.total;
  };
  total(root);
  return root;
}

export function foldedStacks(profile: CpuProfile): string {
  const lines: string[] = [];
  const walk = (frame: Frame, path: string[]) => {
    const here = frame.name === 'all' ? path : [...path, frame.name.replaceAll(';', ',')];
    if (frame.self > 0 && here.length > 0) lines.push(`${here.join(';')} ${Math.round(frame.self * 1000)}`);
    for (const child of frame.children.values()) walk(child, here);
  };
  walk(buildTree(profile), []);
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function colorOf(component: string): string {
  let hash = 0;
  for (const ch of component) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = component.startsWith('gateway')
    ? 200
    : component.startsWith('node:')
      ? 100
      : component.startsWith('(')
        ? 0
        : 20 + (hash % 40);
  return `hsl(${hue}, ${60 + (hash % 30)}%, ${55 + (hash % 15)}%)`;
}

export function flameGraphSvg(profile: CpuProfile, title: string, width = 1600): string {
  const root = buildTree(profile);
  const rowHeight = 17;
  const minWidth = 0.5;
  const rects: string[] = [];
  let maxDepth = 0;
  const scale = root.total === 0 ? 0 : (width - 20) / root.total;
  const place = (frame: Frame, x: number, depth: number) => {
    const w = frame.total * scale;
    if (w < minWidth) return;
    maxDepth = Math.max(maxDepth, depth);
    const percent = root.total === 0 ? 0 : (100 * frame.total) / root.total;
    const label = w > 40 ? escapeXml(frame.name.slice(0, Math.floor(w / 7))) : '';
    rects.push(
      `<g><title>${escapeXml(frame.name)} — ${frame.total.toFixed(1)} ms (${percent.toFixed(2)}%), self ${frame.self.toFixed(1)} ms [${escapeXml(frame.component)}]</title>` +
        `<rect x="${(10 + x).toFixed(2)}" y="DEPTH${depth}" width="${w.toFixed(2)}" height="${rowHeight - 1}" fill="${colorOf(frame.component)}" rx="2"/>` +
        (label === '' ? '' : `<text x="${(13 + x).toFixed(2)}" y="TEXT${depth}">${label}</text>`) +
        '</g>',
    );
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      place(child, childX, depth + 1);
      childX += child.total * scale;
    }
  };
  place(root, 0, 0);
  const height = (maxDepth + 1) * rowHeight + 40;
  const body = rects
    .join('\n')
    .replace(/DEPTH(\d+)/g, (_, depth: string) => String(height - 10 - (Number(depth) + 1) * rowHeight))
    .replace(/TEXT(\d+)/g, (_, depth: string) => String(height - 10 - Number(depth) * rowHeight - 5));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">\n` +
    `<rect width="100%" height="100%" fill="#fdfdf8"/>\n<text x="10" y="18" font-size="14">${escapeXml(title)} (busy time ${root.total.toFixed(0)} ms; hover for details)</text>\n` +
    `${body}\n</svg>\n`
  );
}

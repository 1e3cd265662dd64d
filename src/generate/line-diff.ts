/**
 * A unified diff of two texts by lines (longest common subsequence), with `context` unchanged lines
 * around each change: enough to show a person what regenerating would do to an edited file.
 * Quadratic in lines, which is fine for source files of a few hundred lines.
 */
export function lineDiff(before: string, after: string, labels: { from: string; to: string }, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // common[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const common = new Uint32Array((a.length + 1) * width);
  const lcs = (i: number, j: number) => common[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i * width + j] = a[i] === b[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
    }
  }
  const ops: { kind: ' ' | '-' | '+'; line: string; at: [number, number] }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] ?? '', at: [i, j] });
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || lcs(i + 1, j) >= lcs(i, j + 1))) {
      // Deletions first: a replaced line reads as `-old` then `+new`.
      ops.push({ kind: '-', line: a[i] ?? '', at: [i, j] });
      i += 1;
    } else {
      ops.push({ kind: '+', line: b[j] ?? '', at: [i, j] });
      j += 1;
    }
  }
  const hunks: string[] = [];
  let index = 0;
  let shownThrough = 0;
  while (index < ops.length) {
    if (ops[index]?.kind === ' ') {
      index += 1;
      continue;
    }
    const start = Math.max(shownThrough, index - context);
    let end = index;
    // Extend while the next change is within 2 × context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end]?.kind !== ' ') end += 1;
      let gap = end;
      while (gap < ops.length && ops[gap]?.kind === ' ') gap += 1;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const slice = ops.slice(start, stop);
    const first = slice[0]?.at ?? [0, 0];
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    hunks.push(`@@ -${first[0] + 1},${oldCount} +${first[1] + 1},${newCount} @@`, ...slice.map((op) => `${op.kind}${op.line}`));
    index = stop;
    shownThrough = stop;
  }
  return hunks.length === 0 ? '' : [`--- ${labels.from}`, `+++ ${labels.to}`, ...hunks].join('\n');
}

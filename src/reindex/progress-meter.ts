/*
 * The reindex progress bar: a pure formatter (unit-tested) and a small renderer that redraws one
 * line on a terminal, or prints a line every few seconds when output goes to a file or CI log.
 */

export interface ProgressSnapshot {
  readonly label: string;
  readonly done: number;
  /** Estimated total (a COUNT taken at the start: rows inserted meanwhile can push done past it). */
  readonly total: number;
  readonly elapsedMs: number;
}

const BAR_WIDTH = 24;

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** e.g. `products [##########..............]  42% 4,200/10,000 1,050/s ETA 0:06`. */
export function formatProgress(snapshot: ProgressSnapshot): string {
  const { label, done, total, elapsedMs } = snapshot;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 && done < total ? formatDuration(((total - done) / rate) * 1000) : done >= total ? '0:00' : '--:--';
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${count(done)}/${count(total)} ${count(rate)}/s ETA ${eta}`;
}

export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressRenderer {
  update(done: number, total: number): void;
  finish(done: number, total: number): void;
}

/** Redraws at most 10 times a second on a terminal; elsewhere one line every `lineEveryMs`. */
export function createProgressRenderer(
  output: ProgressOutput,
  label: string,
  now: () => number = Date.now,
  lineEveryMs = 5_000,
): ProgressRenderer {
  const started = now();
  let lastDrawn = 0;
  const render = (done: number, total: number) => formatProgress({ label, done, total, elapsedMs: now() - started });
  return {
    update(done, total) {
      const at = now();
      if (at - lastDrawn < (output.isTTY === true ? 100 : lineEveryMs)) return;
      lastDrawn = at;
      output.write(output.isTTY === true ? `\r${render(done, total)}` : `${render(done, total)}\n`);
    },
    finish(done, total) {
      output.write(`${output.isTTY === true ? '\r' : ''}${render(done, total)}\n`);
    },
  };
}

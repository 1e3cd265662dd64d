import type { RowSource } from '../../src/db/row-source.js';

/**
 * A row source whose reads pause after they have read: `hasRead` resolves once a read has its rows,
 * and the reader only gets them after `openGate()`. Forces the interleaving "reader SELECTs the old
 * row → a CDC change is applied → reader fills" that stale-fill tests need.
 */
export function gatedRowSource(real: RowSource) {
  let readDone!: () => void;
  let openGate!: () => void;
  const hasRead = new Promise<void>((resolve) => (readDone = resolve));
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const rows: RowSource = {
    ...real,
    async selectByIds(entity, ids) {
      const found = await real.selectByIds(entity, ids);
      readDone();
      await gate;
      return found;
    },
  };
  return { rows, hasRead, openGate };
}

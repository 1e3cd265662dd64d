/**
 * Remembers the last version delivered per row and admits only newer ones. The consumer announces
 * only changes Redis applied, so versions of a row already rise; this keeps them rising for a
 * subscriber even when two consumers briefly overlap during a rebalance (one's late PUBLISH after the
 * other's newer one). Versions are 19-digit strings (formatVersion): string order is numeric order.
 * At most `maxRows` rows are remembered (oldest forgotten first), so memory stays bounded.
 */
export interface RowVersionGuard {
  admit(rowKey: string, version: string): boolean;
}

export function createRowVersionGuard(maxRows: number): RowVersionGuard {
  const last = new Map<string, string>();
  return {
    admit(rowKey, version) {
      const seen = last.get(rowKey);
      if (seen !== undefined && seen >= version) return false;
      // Re-inserting moves the row to the newest end of the Map's insertion order.
      last.delete(rowKey);
      last.set(rowKey, version);
      if (last.size > maxRows) {
        const oldest = last.keys().next();
        if (oldest.done !== true) last.delete(oldest.value);
      }
      return true;
    },
  };
}

import type { Row } from '../rows/row.js';

/**
 * What one Redis key of a cached row holds: `<tag>|<19-digit version>|<payload>`. The fixed-width
 * version compares correctly as a string inside Lua (whose numbers are doubles and would lose the
 * low bits of a 63-bit version). Tags:
 *   R  row written by the CDC applier at that version
 *   F  row filled by the read path; the version is the last change known when its lease was taken
 *   N  "no such row" filled by the read path (negative cache)
 *   D  tombstone of a deleted row: remembers the delete's version so nothing older resurrects it
 *   I  invalidated at that version: a miss, but an older change or a stale fill cannot land
 *   L  a read-path lease (payload = token): a reader is loading this row from the database
 * See docs/cache-protocol.md.
 */
export type EntryTag = 'R' | 'F' | 'N' | 'D' | 'I' | 'L';

export const VERSION_WIDTH = 19;

export type CacheLookup = { readonly state: 'hit'; readonly row: Row } | { readonly state: 'known-missing' } | { readonly state: 'miss' };

/** Interprets a raw Redis value; anything unrecognised is treated as a miss rather than trusted. */
export function decodeEntry(raw: string | null | undefined): CacheLookup {
  if (raw === null || raw === undefined || raw.length < VERSION_WIDTH + 2) return { state: 'miss' };
  switch (raw[0]) {
    case 'R':
    case 'F':
      return { state: 'hit', row: JSON.parse(raw.slice(VERSION_WIDTH + 3)) as Row };
    case 'N':
    case 'D':
      return { state: 'known-missing' };
    default:
      return { state: 'miss' };
  }
}

export function entryCacheKey(prefix: string, table: string, id: string | number): string {
  return `${prefix}${table}:${id}`;
}

import { createHash } from 'node:crypto';
import { GatewayError } from '../errors.js';

/*
 * Cursors for `search_after` pagination. A cursor carries the sort values of the last hit of a page
 * and a short fingerprint of the search it belongs to (text, filters, sort): a cursor replayed
 * against a different search is refused instead of silently returning a page of something else.
 * The values are checked against the sort's shape before they go back to Elasticsearch, so a forged
 * cursor is a client error (BAD_USER_INPUT), never a 400 from Elasticsearch surfacing as INTERNAL.
 */

export type SortValue = number | string;

/** What each sort position must hold: finite numbers (scores, epoch millis) or integer keys. */
export type SortValueKind = 'number' | 'integer';

const MAX_CURSOR_LENGTH = 512;

export function searchFingerprint(search: unknown): string {
  return createHash('sha256').update(JSON.stringify(search)).digest('base64url').slice(0, 12);
}

export function encodeSearchCursor(fingerprint: string, values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, v: values })).toString('base64url');
}

/** The sort values to pass as `search_after`, or null when there is no cursor. */
export function decodeSearchCursor(
  cursor: string | null | undefined,
  fingerprint: string,
  shape: readonly SortValueKind[],
): SortValue[] | null {
  if (cursor === null || cursor === undefined) return null;
  const invalid = (why: string) =>
    new GatewayError('BAD_USER_INPUT', `after is not a cursor of this search (${why}): ${JSON.stringify(cursor.slice(0, 40))}`);
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid('too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw invalid('unreadable');
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('unreadable');
  const { f, v } = parsed as { f?: unknown; v?: unknown };
  if (f !== fingerprint) throw invalid('it belongs to another query, filter or sort');
  if (!Array.isArray(v) || v.length !== shape.length) throw invalid('wrong shape');
  return v.map((value: unknown, position) => {
    const ok = shape[position] === 'integer' ? Number.isSafeInteger(value) : typeof value === 'number' && Number.isFinite(value);
    if (!ok) throw invalid('wrong shape');
    return value as number;
  });
}

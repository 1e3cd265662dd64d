import type { Viewer } from '../auth/viewer.js';

/** Whom the rate limit counts: the credentials' subject, else the client's address. */
export function clientKey(viewer: Viewer, headers: { get(name: string): string | undefined }, remoteAddress: string, trustProxy: boolean): string {
  if (viewer.subject !== null) return viewer.subject;
  const forwarded = trustProxy ? headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return `ip:${forwarded !== undefined && forwarded !== '' ? forwarded : remoteAddress}`;
}

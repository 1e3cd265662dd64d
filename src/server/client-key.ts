import type { Viewer } from '../auth/viewer.js';
import type { ClientAddressResolver } from './client-address.js';

/** Whom the rate limit counts, for HTTP requests and subscriptions alike: the credentials' subject, else the client's address. */
export function clientKey(viewer: Viewer, headers: { get(name: string): string | undefined }, remoteAddress: string, addresses: ClientAddressResolver): string {
  if (viewer.subject !== null) return viewer.subject;
  return `ip:${addresses.resolve(remoteAddress, headers.get('x-forwarded-for'))}`;
}

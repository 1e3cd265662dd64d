import { timingSafeEqual } from 'node:crypto';
import type { AuthConfig } from '../config/gateway-config.js';
import { GatewayError } from '../errors.js';
import type { Viewer } from './viewer.js';
import { anonymousViewer, Roles } from './viewer.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Maps a request's credentials to a viewer. Presented credentials that are wrong are an error
 * (UNAUTHENTICATED), never a silent downgrade to anonymous.
 */
export function authenticate(headers: { get(name: string): string | undefined }, config: AuthConfig): Viewer {
  const apiKey = headers.get('x-api-key');
  if (apiKey !== undefined) {
    const grant = config.apiKeys.find((candidate) => sameSecret(apiKey, candidate.key));
    if (grant === undefined) throw new GatewayError('UNAUTHENTICATED', 'the API key is not valid');
    return { subject: `api-key:${grant.name}`, roles: new Set([Roles.public, ...grant.roles]) };
  }
  if (headers.get('authorization') !== undefined) {
    throw new GatewayError('UNAUTHENTICATED', 'bearer tokens are not configured on this gateway');
  }
  return anonymousViewer(config.anonymousAccess);
}

import { timingSafeEqual } from 'node:crypto';
import type { ApiKeyGrant, AuthConfig } from '../config/gateway-config.js';
import { GatewayError } from '../errors.js';
import type { JwtVerifier } from './jwt.js';
import type { Viewer } from './viewer.js';
import { anonymousViewer, Roles } from './viewer.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The API key grant whose key equals `given` (compared in constant time), if any. */
export function apiKeyGrant(given: string, apiKeys: readonly ApiKeyGrant[]): ApiKeyGrant | undefined {
  return apiKeys.find((candidate) => sameSecret(given, candidate.key));
}

/** Whether the request presents credentials (a failure of those counts against the client's IP). */
export function presentsCredentials(headers: { get(name: string): string | undefined }): boolean {
  return headers.get('x-api-key') !== undefined || headers.get('authorization') !== undefined;
}

/**
 * Maps a request's credentials (x-api-key, or Authorization: Bearer <JWT>) to a viewer. Presented
 * credentials that are wrong are an error (UNAUTHENTICATED), never a silent downgrade to anonymous.
 */
export async function authenticate(
  headers: { get(name: string): string | undefined },
  config: AuthConfig,
  jwt: JwtVerifier | null,
): Promise<Viewer> {
  const apiKey = headers.get('x-api-key');
  if (apiKey !== undefined) {
    const grant = apiKeyGrant(apiKey, config.apiKeys);
    if (grant === undefined) throw new GatewayError('UNAUTHENTICATED', 'the API key is not valid');
    return { subject: `api-key:${grant.name}`, userId: null, roles: new Set([Roles.public, ...grant.roles]) };
  }
  const authorization = headers.get('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match?.[1] === undefined) throw new GatewayError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    if (jwt === null) throw new GatewayError('UNAUTHENTICATED', 'bearer tokens are not configured on this gateway');
    const claims = await jwt.verify(match[1]);
    return { subject: `jwt:${claims.subject}`, userId: claims.subject, roles: new Set([Roles.public, ...claims.roles]) };
  }
  // Refused here, at the boundary, so no resolver can forget the switch.
  if (!config.anonymousAccess) throw new GatewayError('UNAUTHENTICATED', 'this gateway requires an API key (x-api-key) or a bearer token');
  return anonymousViewer(config.anonymousAccess);
}

import { createHmac, createVerify, timingSafeEqual } from 'node:crypto';
import type { JwtConfig } from '../config/gateway-config.js';
import { GatewayError } from '../errors.js';

/** The claims the gateway reads; everything else in the payload is ignored. */
export interface JwtClaims {
  readonly subject: string;
  readonly roles: readonly string[];
}

const refuse = (reason: string) => new GatewayError('UNAUTHENTICATED', `the bearer token is not valid: ${reason}`);

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw refuse(`its ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse(`its ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * The algorithm is chosen by which key the gateway holds, never trusted from the header alone: a
 * token saying HS256 is only ever checked against the HMAC secret, so an RS256 public key can never
 * be abused as an HMAC secret ("alg confusion"), and `none` is never accepted.
 */
function signatureValid(algorithm: unknown, signedPart: string, signature: Buffer, config: JwtConfig): boolean {
  if (algorithm === 'HS256') {
    if (config.hs256Secret === null) throw refuse('HS256 tokens are not accepted by this gateway');
    const expected = createHmac('sha256', config.hs256Secret).update(signedPart).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  if (algorithm === 'RS256') {
    if (config.rs256PublicKey === null) throw refuse('RS256 tokens are not accepted by this gateway');
    return createVerify('RSA-SHA256').update(signedPart).verify(config.rs256PublicKey, signature);
  }
  throw refuse(`algorithm ${JSON.stringify(algorithm)} is not accepted (HS256 or RS256)`);
}

function audienceMatches(claim: unknown, expected: string): boolean {
  if (typeof claim === 'string') return claim === expected;
  return Array.isArray(claim) && claim.includes(expected);
}

function rolesOf(claim: unknown): string[] {
  if (claim === undefined) return [];
  if (typeof claim === 'string') return claim.split(' ').filter((role) => role !== '');
  if (Array.isArray(claim) && claim.every((role) => typeof role === 'string')) return claim;
  throw refuse('its roles claim is neither a list of strings nor a space-separated string');
}

/**
 * Verifies a compact JWS (HS256 or RS256) and its time, issuer and audience claims; resolves to
 * the subject and roles, or throws UNAUTHENTICATED naming what is wrong (never the token itself).
 */
export function verifyJwt(token: string, config: JwtConfig, nowMs: number = Date.now()): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw refuse('expected three dot-separated parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!signatureValid(header.alg, `${headerPart}.${payloadPart}`, signature, config)) throw refuse('its signature does not match');
  const claims = decodeJson(payloadPart, 'payload');
  const now = nowMs / 1000;
  const tolerance = config.clockToleranceSeconds;
  // A token without exp would be valid forever: refused rather than trusted.
  if (typeof claims.exp !== 'number') throw refuse('it has no numeric expiry (exp)');
  if (now - tolerance >= claims.exp) throw refuse('it has expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now + tolerance < claims.nbf)) throw refuse('it is not valid yet');
  if (config.issuer !== null && claims.iss !== config.issuer) throw refuse(`its issuer is not ${config.issuer}`);
  if (config.audience !== null && !audienceMatches(claims.aud, config.audience)) throw refuse(`its audience does not include ${config.audience}`);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw refuse('it has no subject (sub)');
  return { subject: claims.sub, roles: rolesOf(claims[config.rolesClaim]) };
}

import type { CryptoKey, JWTPayload, JWTVerifyGetKey, KeyObject } from 'jose';
import { createRemoteJWKSet, decodeProtectedHeader, errors, importSPKI, jwtVerify } from 'jose';
import type { JwtConfig } from '../config/auth-config.js';
import { GatewayError } from '../errors.js';

/** The claims the gateway reads; everything else in the payload is ignored. */
export interface JwtClaims {
  readonly subject: string;
  readonly roles: readonly string[];
}

/** Verifies bearer tokens with keys imported once, at start-up. */
export interface JwtVerifier {
  /** Resolves to the subject and roles, or rejects with UNAUTHENTICATED naming what is wrong (never the token). */
  verify(token: string): Promise<JwtClaims>;
}

const refuse = (reason: string) => new GatewayError('UNAUTHENTICATED', `the bearer token is not valid: ${reason}`);

type VerificationKey = CryptoKey | KeyObject | Uint8Array;

/**
 * The algorithm decides the key, and only configured algorithms are allowed: a token saying HS256 is
 * only ever checked against the HMAC secret, so a public key can never serve as an HMAC secret
 * (algorithm confusion), and `none` is never accepted. A static key for an algorithm wins over the
 * JWKS; the JWKS picks its key by the token's `kid` and fetches the set again for an unknown one.
 */
async function importKeys(
  config: JwtConfig,
): Promise<{ keys: Map<string, VerificationKey>; jwks: JWTVerifyGetKey | null; algorithms: string[] }> {
  const keys = new Map<string, VerificationKey>();
  if (config.hs256Secret !== null) keys.set('HS256', new TextEncoder().encode(config.hs256Secret));
  if (config.rs256PublicKey !== null) keys.set('RS256', await importSPKI(config.rs256PublicKey, 'RS256'));
  if (config.es256PublicKey !== null) keys.set('ES256', await importSPKI(config.es256PublicKey, 'ES256'));
  if (config.eddsaPublicKey !== null) keys.set('EdDSA', await importSPKI(config.eddsaPublicKey, 'EdDSA'));
  const jwks =
    config.jwksUrl === null
      ? null
      : createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: config.jwksCooldownMs, timeoutDuration: 5_000 });
  const algorithms = new Set(keys.keys());
  if (jwks !== null) for (const algorithm of config.jwksAlgorithms) algorithms.add(algorithm);
  return { keys, jwks, algorithms: [...algorithms] };
}

function rolesOf(claim: unknown): string[] {
  if (claim === undefined) return [];
  if (typeof claim === 'string') return claim.split(' ').filter((role) => role !== '');
  if (Array.isArray(claim) && claim.every((role) => typeof role === 'string')) return claim;
  throw refuse('its roles claim is neither a list of strings nor a space-separated string');
}

/** jose's errors in the words the gateway has always used (clients and tests match on them). */
function explain(error: unknown, config: JwtConfig): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof errors.JWTExpired) return refuse('it has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp') return refuse('it has no numeric expiry (exp)');
    if (error.claim === 'nbf') return refuse('it is not valid yet');
    if (error.claim === 'iss') return refuse(`its issuer is not ${config.issuer ?? ''}`);
    if (error.claim === 'aud') return refuse(`its audience does not include ${config.audience ?? ''}`);
    if (error.claim === 'sub') return refuse('it has no subject (sub)');
    return refuse(`its ${error.claim} claim is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('its signature does not match');
  if (error instanceof errors.JWKSNoMatchingKey) return refuse('no key of the key set matches its kid');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) {
    return refuse(error instanceof errors.JWKSTimeout ? 'the key set could not be fetched in time' : error.message);
  }
  return refuse('it could not be verified');
}

export async function createJwtVerifier(config: JwtConfig): Promise<JwtVerifier | null> {
  const { keys, jwks, algorithms } = await importKeys(config);
  if (algorithms.length === 0) return null;
  const keyFor: JWTVerifyGetKey = (header, token) => {
    const key = keys.get(header.alg ?? '');
    if (key !== undefined) return key;
    if (jwks !== null) return jwks(header, token);
    throw refuse(`${String(header.alg)} tokens are not accepted by this gateway`);
  };
  return {
    async verify(token) {
      if (token.split('.').length !== 3) throw refuse('expected three dot-separated parts');
      let algorithm: unknown;
      try {
        algorithm = decodeProtectedHeader(token).alg;
      } catch {
        throw refuse('its header is not base64url JSON');
      }
      if (typeof algorithm !== 'string' || !algorithms.includes(algorithm)) {
        const known = ['HS256', 'RS256', 'ES256', 'EdDSA'];
        throw refuse(
          typeof algorithm === 'string' && known.includes(algorithm)
            ? `${algorithm} tokens are not accepted by this gateway`
            : `algorithm ${JSON.stringify(algorithm)} is not accepted (${algorithms.join(', ')})`,
        );
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, {
          algorithms,
          clockTolerance: config.clockToleranceSeconds,
          // A token without exp would be valid forever: refused rather than trusted.
          requiredClaims: ['exp', 'sub'],
          ...(config.issuer === null ? {} : { issuer: config.issuer }),
          ...(config.audience === null ? {} : { audience: config.audience }),
        }));
      } catch (error) {
        throw explain(error, config);
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw refuse('it has no subject (sub)');
      return { subject: payload.sub, roles: rolesOf(payload[config.rolesClaim]) };
    },
  };
}

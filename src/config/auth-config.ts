import { createPublicKey } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { Env } from './env-readers.js';
import { readBoolean, readInteger, readString, readUrl } from './env-readers.js';

export interface ApiKeyGrant {
  readonly name: string;
  readonly key: string;
  readonly roles: readonly string[];
}

export interface AuthConfig {
  /** API keys from API_KEYS="name:key:role+role,…" (secrets: only ever from the environment). */
  readonly apiKeys: readonly ApiKeyGrant[];
  /** Whether requests without credentials may read public data (products, search). */
  readonly anonymousAccess: boolean;
  readonly jwt: JwtConfig;
}

/** The asymmetric algorithms a JWKS key may use (HS256 keys never come from a URL). */
export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type JwksAlgorithm = (typeof JWKS_ALGORITHMS)[number];

export interface JwtConfig {
  /** HS256 shared secret (JWT_HS256_SECRET); null: HS256 tokens are refused. */
  readonly hs256Secret: string | null;
  /** RS256 public key, PEM (JWT_RS256_PUBLIC_KEY); null: RS256 tokens are refused (unless from the JWKS). */
  readonly rs256PublicKey: string | null;
  /** ES256 (P-256) public key, PEM (JWT_ES256_PUBLIC_KEY). */
  readonly es256PublicKey: string | null;
  /** EdDSA (Ed25519) public key, PEM (JWT_EDDSA_PUBLIC_KEY). */
  readonly eddsaPublicKey: string | null;
  /** JWT_JWKS_URL: the identity provider's key set; keys are chosen by the token's `kid` and re-fetched when one is unknown. */
  readonly jwksUrl: string | null;
  /** Which algorithms JWKS keys may sign with (JWT_JWKS_ALGORITHMS). */
  readonly jwksAlgorithms: readonly JwksAlgorithm[];
  /** An unknown `kid` re-fetches the key set at most this often (JWT_JWKS_COOLDOWN_MS). */
  readonly jwksCooldownMs: number;
  readonly issuer: string | null;
  readonly audience: string | null;
  /** The claim holding the viewer's roles: an array of strings or a space-separated string. */
  readonly rolesClaim: string;
  readonly clockToleranceSeconds: number;
}

const invalid = (variable: string, message: string) =>
  new GatewayError('CONFIG_INVALID', `${variable} ${message}`, { details: { variable } });

/** A PEM public key of the kind the algorithm needs; env files often carry a PEM on one line with literal \n. */
function readPublicKey(env: Env, variable: string, keyType: 'rsa' | 'ec' | 'ed25519'): string | null {
  const pem = readString(env, variable, '').replaceAll('\\n', '\n');
  if (pem === '') return null;
  let actual: string | undefined;
  try {
    actual = createPublicKey(pem).asymmetricKeyType;
  } catch (error) {
    throw invalid(variable, `is not a PEM public key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (actual !== keyType) throw invalid(variable, `is a ${actual ?? 'unknown'} key; expected ${keyType}`);
  return pem;
}

function readJwksAlgorithms(env: Env): JwksAlgorithm[] {
  const names = readString(env, 'JWT_JWKS_ALGORITHMS', JWKS_ALGORITHMS.join(','))
    .split(',')
    .map((name) => name.trim());
  for (const name of names) {
    if (!(JWKS_ALGORITHMS as readonly string[]).includes(name))
      throw invalid('JWT_JWKS_ALGORITHMS', `lists ${JSON.stringify(name)}; expected some of ${JWKS_ALGORITHMS.join(', ')}`);
  }
  return names as JwksAlgorithm[];
}

function readJwtConfig(env: Env): JwtConfig {
  const secret = readString(env, 'JWT_HS256_SECRET', '');
  if (secret !== '' && Buffer.byteLength(secret) < 32) throw invalid('JWT_HS256_SECRET', 'is too short: use at least 32 bytes');
  const optional = (name: string) => {
    const value = readString(env, name, '');
    return value === '' ? null : value;
  };
  const jwksUrl = optional('JWT_JWKS_URL') === null ? null : readUrl(env, 'JWT_JWKS_URL', '', ['https:', 'http:']);
  return {
    hs256Secret: secret === '' ? null : secret,
    rs256PublicKey: readPublicKey(env, 'JWT_RS256_PUBLIC_KEY', 'rsa'),
    es256PublicKey: readPublicKey(env, 'JWT_ES256_PUBLIC_KEY', 'ec'),
    eddsaPublicKey: readPublicKey(env, 'JWT_EDDSA_PUBLIC_KEY', 'ed25519'),
    jwksUrl,
    jwksAlgorithms: readJwksAlgorithms(env),
    jwksCooldownMs: readInteger(env, 'JWT_JWKS_COOLDOWN_MS', 30_000, { min: 0, max: 3_600_000 }),
    issuer: optional('JWT_ISSUER'),
    audience: optional('JWT_AUDIENCE'),
    rolesClaim: readString(env, 'JWT_ROLES_CLAIM', 'roles'),
    clockToleranceSeconds: readInteger(env, 'JWT_CLOCK_TOLERANCE_S', 30, { min: 0, max: 600 }),
  };
}

function readApiKeys(env: Env): ApiKeyGrant[] {
  const raw = readString(env, 'API_KEYS', '');
  if (raw === '') return [];
  return raw.split(',').map((entry) => {
    const [name, key, roles] = entry.trim().split(':');
    if (name === undefined || key === undefined || key.length < 16 || roles === undefined || name === '') {
      throw invalid(
        'API_KEYS',
        `entry ${JSON.stringify(name ?? '')} is invalid: expected name:key:role+role with a key of at least 16 characters`,
      );
    }
    return { name, key, roles: roles.split('+').filter((role) => role !== '') };
  });
}

export function readAuthConfig(env: Env): AuthConfig {
  return { apiKeys: readApiKeys(env), anonymousAccess: readBoolean(env, 'ANONYMOUS_ACCESS', true), jwt: readJwtConfig(env) };
}

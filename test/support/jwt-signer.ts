import type { KeyObject } from 'node:crypto';
import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Signs test tokens the way an identity provider would, so tests exercise the gateway's verifier
 * and never a second implementation of it.
 */
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signHs256(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = {}): string {
  const signed = `${part({ alg: 'HS256', typ: 'JWT', ...header })}.${part(claims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

export function signRs256(claims: Record<string, unknown>, privateKeyPem: string): string {
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKeyPem).toString('base64url')}`;
}

export function unsigned(claims: Record<string, unknown>): string {
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export function rsaKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Claims valid for the next hour. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'user-42', iat: now, exp: now + 3600, ...overrides };
}

/** ES256 (P-256, signature as r||s) or EdDSA (Ed25519), optionally naming the key (`kid`) as a JWKS issuer does. */
export function signAsymmetric(
  alg: 'ES256' | 'EdDSA' | 'RS256',
  claims: Record<string, unknown>,
  privateKey: KeyObject,
  kid?: string,
): string {
  const signed = `${part({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })}.${part(claims)}`;
  const data = Buffer.from(signed);
  const signature =
    alg === 'ES256'
      ? sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : alg === 'EdDSA'
        ? sign(null, data, privateKey)
        : sign('sha256', data, privateKey);
  return `${signed}.${signature.toString('base64url')}`;
}

export function keyPairFor(alg: 'ES256' | 'EdDSA' | 'RS256'): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

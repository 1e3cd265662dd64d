import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyJwt } from '../../../src/auth/jwt.js';
import type { JwtConfig } from '../../../src/config/gateway-config.js';
import { claims, rsaKeyPair, signHs256, signRs256, unsigned } from '../../support/jwt-signer.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const keys = rsaKeyPair();
const config: JwtConfig = { hs256Secret: secret, rs256PublicKey: keys.publicKey, issuer: null, audience: null, rolesClaim: 'roles', clockToleranceSeconds: 0 };

const refusedWith = (pattern: RegExp) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, 'UNAUTHENTICATED');
  assert.match((error as Error).message, pattern);
  return true;
};

describe('JWT verification', () => {
  it('accepts an HS256 token and reads the subject and roles', () => {
    assert.deepEqual(verifyJwt(signHs256(claims({ roles: ['personal', 'analyst'] }), secret), config), { subject: 'user-42', roles: ['personal', 'analyst'] });
  });

  it('accepts an RS256 token signed with the private key of the configured public key', () => {
    assert.deepEqual(verifyJwt(signRs256(claims({ roles: 'analyst personal' }), keys.privateKey), config), { subject: 'user-42', roles: ['analyst', 'personal'] });
  });

  it('reads roles from the configured claim', () => {
    const token = signHs256(claims({ 'https://shop.example/roles': ['analyst'] }), secret);
    assert.deepEqual(verifyJwt(token, { ...config, rolesClaim: 'https://shop.example/roles' }).roles, ['analyst']);
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [header, , signature] = signHs256(claims(), secret).split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify(claims({ roles: ['analyst'] }))).toString('base64url')}.${signature}`;
    assert.throws(() => verifyJwt(forged, config), refusedWith(/signature does not match/));
  });

  it('refuses a token signed with another secret', () => {
    assert.throws(() => verifyJwt(signHs256(claims(), 'another-secret-that-is-also-quite-long'), config), refusedWith(/signature/));
  });

  it('refuses alg none', () => {
    assert.throws(() => verifyJwt(unsigned(claims()), config), refusedWith(/algorithm "none" is not accepted/));
  });

  it('refuses an HS256 token forged with the RS256 public key as its secret (algorithm confusion)', () => {
    const forged = signHs256(claims({ roles: ['analyst'] }), keys.publicKey);
    assert.throws(() => verifyJwt(forged, { ...config, hs256Secret: null }), refusedWith(/HS256 tokens are not accepted/));
  });

  it('refuses expired tokens, tokens not valid yet and tokens without exp', () => {
    const now = Math.floor(Date.now() / 1000);
    assert.throws(() => verifyJwt(signHs256(claims({ exp: now - 10 }), secret), config), refusedWith(/expired/));
    assert.throws(() => verifyJwt(signHs256(claims({ nbf: now + 600 }), secret), config), refusedWith(/not valid yet/));
    assert.throws(() => verifyJwt(signHs256(claims({ exp: undefined }), secret), config), refusedWith(/no numeric expiry/));
  });

  it('allows the configured clock tolerance on exp and nbf', () => {
    const now = Math.floor(Date.now() / 1000);
    const lenient = { ...config, clockToleranceSeconds: 60 };
    assert.equal(verifyJwt(signHs256(claims({ exp: now - 10 }), secret), lenient).subject, 'user-42');
    assert.equal(verifyJwt(signHs256(claims({ nbf: now + 10 }), secret), lenient).subject, 'user-42');
  });

  it('checks issuer and audience when configured', () => {
    const strict = { ...config, issuer: 'https://id.shop.example', audience: 'gateway' };
    assert.equal(verifyJwt(signHs256(claims({ iss: 'https://id.shop.example', aud: ['other', 'gateway'] }), secret), strict).subject, 'user-42');
    assert.throws(() => verifyJwt(signHs256(claims({ iss: 'https://evil.example', aud: 'gateway' }), secret), strict), refusedWith(/issuer/));
    assert.throws(() => verifyJwt(signHs256(claims({ iss: 'https://id.shop.example', aud: 'other' }), secret), strict), refusedWith(/audience/));
  });

  it('refuses malformed tokens and roles claims without echoing the token', () => {
    assert.throws(() => verifyJwt('not-a-token', config), refusedWith(/three dot-separated parts/));
    assert.throws(() => verifyJwt('e30.e30.', config), refusedWith(/algorithm/));
    const badRoles = signHs256(claims({ roles: [1, 2] }), secret);
    assert.throws(() => verifyJwt(badRoles, config), (error: unknown) => !(error as Error).message.includes(badRoles));
  });
});

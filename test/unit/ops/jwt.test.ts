import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { JwtVerifier } from '../../../src/auth/jwt.js';
import { createJwtVerifier } from '../../../src/auth/jwt.js';
import type { JwtConfig } from '../../../src/config/gateway-config.js';
import { claims, keyPairFor, rsaKeyPair, signAsymmetric, signHs256, signRs256, unsigned } from '../../support/jwt-signer.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const keys = rsaKeyPair();
const config: JwtConfig = {
  hs256Secret: secret,
  rs256PublicKey: keys.publicKey,
  es256PublicKey: null,
  eddsaPublicKey: null,
  jwksUrl: null,
  jwksAlgorithms: ['RS256', 'ES256', 'EdDSA'],
  jwksCooldownMs: 0,
  issuer: null,
  audience: null,
  rolesClaim: 'roles',
  clockToleranceSeconds: 0,
};

const refusedWith = (pattern: RegExp) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, 'UNAUTHENTICATED');
  assert.match((error as Error).message, pattern);
  return true;
};

const verifierFor = async (overrides: Partial<JwtConfig> = {}): Promise<JwtVerifier> => {
  const verifier = await createJwtVerifier({ ...config, ...overrides });
  assert.ok(verifier);
  return verifier;
};

describe('JWT verification', () => {
  let verifier: JwtVerifier;
  before(async () => {
    verifier = await verifierFor();
  });

  it('accepts an HS256 token and reads the subject and roles', async () => {
    assert.deepEqual(await verifier.verify(signHs256(claims({ roles: ['personal', 'analyst'] }), secret)), {
      subject: 'user-42',
      roles: ['personal', 'analyst'],
    });
  });

  it('accepts an RS256 token signed with the private key of the configured public key', async () => {
    assert.deepEqual(await verifier.verify(signRs256(claims({ roles: 'analyst personal' }), keys.privateKey)), {
      subject: 'user-42',
      roles: ['analyst', 'personal'],
    });
  });

  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`accepts an ${alg} token when its public key is configured, and refuses it otherwise`, async () => {
      const pair = keyPairFor(alg);
      const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const token = signAsymmetric(alg, claims({ roles: ['analyst'] }), pair.privateKey);
      const withKey = await verifierFor(alg === 'ES256' ? { es256PublicKey: pem } : { eddsaPublicKey: pem });
      assert.deepEqual(await withKey.verify(token), { subject: 'user-42', roles: ['analyst'] });
      await assert.rejects(verifier.verify(token), refusedWith(new RegExp(`${alg} tokens are not accepted`)));
      await assert.rejects(
        withKey.verify(signAsymmetric(alg, claims(), keyPairFor(alg).privateKey)),
        refusedWith(/signature does not match/),
      );
    });
  }

  it('reads roles from the configured claim', async () => {
    const token = signHs256(claims({ 'https://shop.example/roles': ['analyst'] }), secret);
    assert.deepEqual((await verifierFor({ rolesClaim: 'https://shop.example/roles' }).then((custom) => custom.verify(token))).roles, [
      'analyst',
    ]);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = signHs256(claims(), secret).split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify(claims({ roles: ['analyst'] }))).toString('base64url')}.${signature}`;
    await assert.rejects(verifier.verify(forged), refusedWith(/signature does not match/));
  });

  it('refuses a token signed with another secret', async () => {
    await assert.rejects(verifier.verify(signHs256(claims(), 'another-secret-that-is-also-quite-long')), refusedWith(/signature/));
  });

  it('refuses alg none', async () => {
    await assert.rejects(verifier.verify(unsigned(claims())), refusedWith(/algorithm "none" is not accepted/));
  });

  it('refuses an HS256 token forged with the RS256 public key as its secret (algorithm confusion)', async () => {
    const forged = signHs256(claims({ roles: ['analyst'] }), keys.publicKey);
    await assert.rejects((await verifierFor({ hs256Secret: null })).verify(forged), refusedWith(/HS256 tokens are not accepted/));
  });

  it('refuses expired tokens, tokens not valid yet and tokens without exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assert.rejects(verifier.verify(signHs256(claims({ exp: now - 10 }), secret)), refusedWith(/expired/));
    await assert.rejects(verifier.verify(signHs256(claims({ nbf: now + 600 }), secret)), refusedWith(/not valid yet/));
    await assert.rejects(verifier.verify(signHs256(claims({ exp: undefined }), secret)), refusedWith(/no numeric expiry/));
  });

  it('allows the configured clock tolerance on exp and nbf', async () => {
    const now = Math.floor(Date.now() / 1000);
    const lenient = await verifierFor({ clockToleranceSeconds: 60 });
    assert.equal((await lenient.verify(signHs256(claims({ exp: now - 10 }), secret))).subject, 'user-42');
    assert.equal((await lenient.verify(signHs256(claims({ nbf: now + 10 }), secret))).subject, 'user-42');
  });

  it('checks issuer and audience when configured, and requires them to be present', async () => {
    const strict = await verifierFor({ issuer: 'https://id.shop.example', audience: 'gateway' });
    assert.equal(
      (await strict.verify(signHs256(claims({ iss: 'https://id.shop.example', aud: ['other', 'gateway'] }), secret))).subject,
      'user-42',
    );
    await assert.rejects(strict.verify(signHs256(claims({ iss: 'https://evil.example', aud: 'gateway' }), secret)), refusedWith(/issuer/));
    await assert.rejects(
      strict.verify(signHs256(claims({ iss: 'https://id.shop.example', aud: 'other' }), secret)),
      refusedWith(/audience/),
    );
    await assert.rejects(strict.verify(signHs256(claims({ aud: 'gateway' }), secret)), refusedWith(/issuer/));
    await assert.rejects(strict.verify(signHs256(claims({ iss: 'https://id.shop.example' }), secret)), refusedWith(/audience/));
  });

  it('refuses malformed tokens, non-strict base64url and bad roles claims without echoing the token', async () => {
    await assert.rejects(verifier.verify('not-a-token'), refusedWith(/three dot-separated parts/));
    await assert.rejects(verifier.verify('e30.e30.'), refusedWith(/algorithm/));
    const [header, payload, signature] = signHs256(claims(), secret).split('.') as [string, string, string];
    await assert.rejects(verifier.verify(`${header}.${payload}=.${signature}`), refusedWith(/not valid/), 'padding is not base64url');
    await assert.rejects(
      verifier.verify(`${header}.${payload}.${signature.replaceAll('-', '+').replaceAll('_', '/')}+`),
      refusedWith(/not valid/),
    );
    const badRoles = signHs256(claims({ roles: [1, 2] }), secret);
    await assert.rejects(verifier.verify(badRoles), (error: unknown) => !(error as Error).message.includes(badRoles));
  });

  it('refuses to start without any key: bearer tokens are then not accepted at all', async () => {
    assert.equal(await createJwtVerifier({ ...config, hs256Secret: null, rs256PublicKey: null }), null);
  });
});

describe('JWT verification against a JWKS', () => {
  let server: Server;
  let url: string;
  let fetches = 0;
  let published: { kid: string; alg: 'ES256' | 'EdDSA' | 'RS256'; publicKey: KeyObject }[] = [];

  before(async () => {
    server = createServer((_request, response) => {
      fetches += 1;
      const keysOut = published.map(({ kid, alg, publicKey }) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: keysOut }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('picks the key by kid, follows a rotation to a new kid, and refuses a retired one', async () => {
    const first = { kid: 'key-1', alg: 'ES256' as const, ...keyPairFor('ES256') };
    const second = { kid: 'key-2', alg: 'EdDSA' as const, ...keyPairFor('EdDSA') };
    published = [first];
    const verifier = await verifierFor({ hs256Secret: null, rs256PublicKey: null, jwksUrl: url, jwksCooldownMs: 0 });
    assert.equal((await verifier.verify(signAsymmetric('ES256', claims(), first.privateKey, 'key-1'))).subject, 'user-42');
    assert.equal(
      await verifier.verify(signAsymmetric('ES256', claims(), first.privateKey, 'key-1')).then(() => fetches),
      1,
      'the key set is fetched once, then cached',
    );
    published = [first, second];
    assert.equal(
      (await verifier.verify(signAsymmetric('EdDSA', claims({ sub: 'user-7' }), second.privateKey, 'key-2'))).subject,
      'user-7',
      'an unknown kid re-fetches the set',
    );
    await assert.rejects(
      verifier.verify(signAsymmetric('EdDSA', claims(), keyPairFor('EdDSA').privateKey, 'key-2')),
      refusedWith(/signature does not match/),
    );
    await assert.rejects(
      verifier.verify(signAsymmetric('ES256', claims(), first.privateKey, 'key-9')),
      refusedWith(/no key of the key set matches/),
    );
    await assert.rejects(
      verifier.verify(signHs256(claims(), secret, { kid: 'key-1' })),
      refusedWith(/HS256 tokens are not accepted/),
      'never HMAC with a JWKS key',
    );
  });
});

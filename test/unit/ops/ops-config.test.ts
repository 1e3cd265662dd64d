import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { rsaKeyPair } from '../../support/jwt-signer.js';

const invalid = (variable: string) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, 'CONFIG_INVALID');
  assert.match((error as Error).message, new RegExp(variable));
  return true;
};

describe('operations settings', () => {
  it('has safe defaults: limits on, rate limit on, no bearer tokens, bounded shutdown', () => {
    const config = loadGatewayConfig({});
    assert.deepEqual(config.limits, {
      maxDepth: 12,
      maxAliases: 30,
      maxCost: 50_000,
      maxBatchOperations: 10,
      maxBodyBytes: 1_048_576,
      maxTokens: 5_000,
    });
    assert.deepEqual(config.rateLimit, { requests: 1200, windowMs: 60_000, authFailures: 20, authFailureWindowMs: 300_000 });
    assert.equal(config.http.introspection, false, 'introspection only when asked for');
    assert.equal(config.shutdownTimeoutMs, 15_000);
    assert.equal(config.http.trustProxy, false);
    assert.equal(config.http.searchPage, true);
    assert.equal(
      loadGatewayConfig({ NODE_ENV: 'production' }).http.searchPage,
      false,
      'a demo page is not served in production unless asked',
    );
    assert.deepEqual(config.auth.jwt, {
      hs256Secret: null,
      rs256PublicKey: null,
      es256PublicKey: null,
      eddsaPublicKey: null,
      jwksUrl: null,
      jwksAlgorithms: ['RS256', 'ES256', 'EdDSA'],
      jwksCooldownMs: 30_000,
      issuer: null,
      audience: null,
      rolesClaim: 'roles',
      clockToleranceSeconds: 30,
    });
  });

  it('reads every setting from the environment', () => {
    const { publicKey } = rsaKeyPair();
    const config = loadGatewayConfig({
      MAX_QUERY_DEPTH: '8',
      MAX_QUERY_ALIASES: '5',
      MAX_QUERY_COST: '900',
      MAX_BATCH_OPERATIONS: '2',
      MAX_BODY_BYTES: '65536',
      MAX_QUERY_TOKENS: '800',
      RATE_LIMIT_REQUESTS: '0',
      RATE_LIMIT_WINDOW_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      TRUST_PROXY: 'true',
      JWT_HS256_SECRET: 'x'.repeat(32),
      JWT_RS256_PUBLIC_KEY: publicKey.replaceAll('\n', '\\n'),
      JWT_ISSUER: 'https://id.example',
      JWT_AUDIENCE: 'gateway',
      JWT_ROLES_CLAIM: 'scope',
      JWT_CLOCK_TOLERANCE_S: '5',
    });
    assert.deepEqual(config.limits, {
      maxDepth: 8,
      maxAliases: 5,
      maxCost: 900,
      maxBatchOperations: 2,
      maxBodyBytes: 65_536,
      maxTokens: 800,
    });
    assert.deepEqual(config.rateLimit, { requests: 0, windowMs: 1000, authFailures: 20, authFailureWindowMs: 300_000 });
    assert.equal(config.shutdownTimeoutMs, 5000);
    assert.equal(config.http.trustProxy, true);
    assert.equal(config.auth.jwt.rs256PublicKey, publicKey, 'a PEM given on one line with \\n is restored');
    assert.equal(config.auth.jwt.rolesClaim, 'scope');
  });

  it('refuses a short HMAC secret and a public key that is not PEM, naming the variable', () => {
    assert.throws(() => loadGatewayConfig({ JWT_HS256_SECRET: 'short' }), invalid('JWT_HS256_SECRET'));
    assert.throws(() => loadGatewayConfig({ JWT_RS256_PUBLIC_KEY: 'not a key' }), invalid('JWT_RS256_PUBLIC_KEY'));
    assert.throws(() => loadGatewayConfig({ MAX_QUERY_DEPTH: '0' }), invalid('MAX_QUERY_DEPTH'));
    assert.throws(
      () => loadGatewayConfig({ JWT_ES256_PUBLIC_KEY: rsaKeyPair().publicKey }),
      invalid('JWT_ES256_PUBLIC_KEY'),
      'an RSA key is not an ES256 key',
    );
    assert.throws(() => loadGatewayConfig({ JWT_JWKS_URL: 'ftp://keys.example' }), invalid('JWT_JWKS_URL'));
    assert.throws(() => loadGatewayConfig({ JWT_JWKS_ALGORITHMS: 'HS256' }), invalid('JWT_JWKS_ALGORITHMS'), 'no HMAC keys from a URL');
    assert.throws(() => loadGatewayConfig({ RATE_LIMIT_WINDOW_MS: '1500' }), invalid('RATE_LIMIT_WINDOW_MS'));
  });
});

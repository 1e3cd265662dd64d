import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { claims, rsaKeyPair, signHs256, signRs256 } from '../../support/jwt-signer.js';
import { createWriterPool, execute, uniqueId } from '../../support/writer.js';
import { ensureSearchIndices } from '../../../src/server/startup-checks.js';
import type { OpsGateway } from './ops-gateway.js';
import { startOpsGateway } from './ops-gateway.js';

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const secret = 'auth-test-hs256-secret-0123456789abcdef';
const keys = rsaKeyPair();
const personalKey = 'personal-key-0123456789abcdef';
const plainKey = 'plain-key-0123456789abcdef';
const analystKey = 'analyst-key-0123456789abcdef';
const env = {
  API_KEYS: `support:${personalKey}:personal,storefront:${plainKey}:,reports:${analystKey}:analyst`,
  JWT_HS256_SECRET: secret,
  JWT_RS256_PUBLIC_KEY: keys.publicKey,
  JWT_ISSUER: 'https://id.shop.test',
  JWT_AUDIENCE: 'gateway',
};
const tokenClaims = (overrides: Record<string, unknown> = {}) => claims({ iss: 'https://id.shop.test', aud: 'gateway', ...overrides });

describe('authentication and roles', () => {
  let gateway: OpsGateway;
  let writer: Pool;
  const userId = uniqueId();
  const userQuery = `{ user(id: "${userId}") { id name email } }`;

  before(async () => {
    writer = createWriterPool();
    await execute(writer, 'INSERT INTO users (id, name, email, level, is_active, created_at) VALUES (?, ?, ?, ?, 1, ?)', [
      userId,
      'Auth Test',
      `auth-${userId}@example.test`,
      'member',
      '2025-01-01 00:00:00.000',
    ]);
    gateway = await startOpsGateway({ env });
    await ensureSearchIndices(gateway.services);
  });
  after(async () => {
    await gateway.close();
    await execute(writer, 'DELETE FROM users WHERE id = ?', [userId]);
    await writer.end();
  });

  it('lets anonymous clients read public product data', async () => {
    const response = await gateway.query('{ product(id: "1") { id name } }');
    assert.equal(response.status, 200);
    assert.equal(response.body.errors, undefined);
  });

  it("withholds a user's email from anonymous clients (UNAUTHENTICATED) but answers the rest", async () => {
    const response = await gateway.query(userQuery);
    assert.deepEqual(response.body.data, { user: { id: String(userId), name: 'Auth Test', email: null } });
    assert.equal(codeOf(response.body), 'UNAUTHENTICATED');
    assert.doesNotMatch(response.text, /@example\.test/);
  });

  it('withholds the email from an API key without the personal role (FORBIDDEN)', async () => {
    const response = await gateway.query(userQuery, {}, { 'x-api-key': plainKey });
    assert.equal(codeOf(response.body), 'FORBIDDEN');
    assert.match(response.body.errors?.[0]?.message ?? '', /requires the role personal/);
    assert.doesNotMatch(response.text, /@example\.test/);
  });

  it('shows the email to an API key with the personal role', async () => {
    const response = await gateway.query(userQuery, {}, { 'x-api-key': personalKey });
    assert.equal(response.body.errors, undefined);
    assert.equal((response.body.data?.user as { email: string }).email, `auth-${userId}@example.test`);
  });

  it('answers analytics only to the analyst role: anonymous is UNAUTHENTICATED, another role FORBIDDEN', async () => {
    const analytics =
      '{ topProducts(range: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }, currency: "CNY") { productId units } }';
    assert.equal(codeOf((await gateway.query(analytics)).body), 'UNAUTHENTICATED');
    assert.equal(codeOf((await gateway.query(analytics, {}, { 'x-api-key': personalKey })).body), 'FORBIDDEN');
    const allowed = await gateway.query(analytics, {}, { 'x-api-key': analystKey });
    assert.equal(allowed.body.errors, undefined, allowed.text);
    assert.ok(Array.isArray(allowed.body.data?.topProducts));
    const viaToken = await gateway.query(
      analytics,
      {},
      { authorization: `Bearer ${signHs256(tokenClaims({ roles: ['analyst'] }), secret)}` },
    );
    assert.equal(viaToken.body.errors, undefined, viaToken.text);
  });

  it('lets anonymous clients search products', async () => {
    const response = await gateway.query('{ searchProducts(query: "kettle", first: 1) { totalCount } }');
    assert.equal(response.body.errors, undefined, response.text);
  });

  it('refuses a wrong API key with 401 instead of treating the client as anonymous', async () => {
    const response = await gateway.query('{ product(id: "1") { id } }', {}, { 'x-api-key': 'wrong-key-0123456789abcdef' });
    assert.equal(response.status, 401);
    assert.equal(codeOf(response.body), 'UNAUTHENTICATED');
  });

  it("maps an HS256 JWT's roles: personal sees the user's own email, no role does not", async () => {
    const withRole = await gateway.query(
      userQuery,
      {},
      { authorization: `Bearer ${signHs256(tokenClaims({ sub: String(userId), roles: ['personal'] }), secret)}` },
    );
    assert.equal((withRole.body.data?.user as { email: string }).email, `auth-${userId}@example.test`);
    const withoutRole = await gateway.query(
      userQuery,
      {},
      { authorization: `Bearer ${signHs256(tokenClaims({ sub: String(userId) }), secret)}` },
    );
    assert.equal(codeOf(withoutRole.body), 'FORBIDDEN');
  });

  it("scopes a user's token to that user's personal data (email and earnings); support staff and service keys read any user's", async () => {
    const earnings = (id: number) => `{ earningsSummary(userId: "${id}") { count } }`;
    const someoneElse = { authorization: `Bearer ${signHs256(tokenClaims({ sub: String(userId + 1), roles: ['personal'] }), secret)}` };
    const other = await gateway.query(userQuery, {}, someoneElse);
    assert.equal((other.body.data?.user as { email: string | null; name: string }).email, null, 'the rest of the user is still answered');
    assert.equal(codeOf(other.body), 'FORBIDDEN');
    assert.match(other.body.errors?.[0]?.message ?? '', /only that user's personal data/);
    assert.equal(codeOf((await gateway.query(earnings(userId), {}, someoneElse)).body), 'FORBIDDEN');
    const own = { authorization: `Bearer ${signHs256(tokenClaims({ sub: String(userId), roles: ['personal'] }), secret)}` };
    const ownEarnings = await gateway.query(earnings(userId), {}, own);
    assert.equal(ownEarnings.body.errors, undefined);
    assert.deepEqual(ownEarnings.body.data, { earningsSummary: { count: 0 } });
    const support = { authorization: `Bearer ${signHs256(tokenClaims({ sub: 'staff-7', roles: ['personal', 'support'] }), secret)}` };
    assert.equal(((await gateway.query(userQuery, {}, support)).body.data?.user as { email: string }).email, `auth-${userId}@example.test`);
    assert.equal((await gateway.query(earnings(userId), {}, support)).body.errors, undefined);
    assert.equal(
      ((await gateway.query(userQuery, {}, { 'x-api-key': personalKey })).body.data?.user as { email: string }).email,
      `auth-${userId}@example.test`,
    );
  });

  it('maps an RS256 JWT signed by the configured key pair', async () => {
    const response = await gateway.query(
      userQuery,
      {},
      { authorization: `Bearer ${signRs256(tokenClaims({ sub: String(userId), roles: 'personal' }), keys.privateKey)}` },
    );
    assert.equal(response.body.errors, undefined);
    assert.equal((response.body.data?.user as { email: string }).email, `auth-${userId}@example.test`);
  });

  it('refuses expired, foreign-issuer, wrong-audience and badly signed tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      expired: signHs256(tokenClaims({ exp: now - 120 }), secret),
      issuer: signHs256(tokenClaims({ iss: 'https://evil.test' }), secret),
      audience: signHs256(tokenClaims({ aud: 'someone-else' }), secret),
      signature: signHs256(tokenClaims(), 'a-different-secret-0123456789abcdef'),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const response = await gateway.query('{ product(id: "1") { id } }', {}, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401, what);
      assert.equal(codeOf(response.body), 'UNAUTHENTICATED', what);
      assert.doesNotMatch(response.text, new RegExp(token.slice(0, 20)), 'the token is not echoed');
    }
  });
});

describe('anonymous access switch', () => {
  let gateway: OpsGateway;

  before(async () => {
    gateway = await startOpsGateway({ env: { ...env, ANONYMOUS_ACCESS: 'false' } });
  });
  after(async () => {
    await gateway.close();
  });

  it('refuses requests without credentials when ANONYMOUS_ACCESS=false', async () => {
    const response = await gateway.query('{ product(id: "1") { id } }');
    assert.equal(response.status, 401);
    assert.equal(codeOf(response.body), 'UNAUTHENTICATED');
  });

  it('still serves clients with an API key or a token', async () => {
    assert.equal((await gateway.query('{ product(id: "1") { id } }', {}, { 'x-api-key': plainKey })).status, 200);
    assert.equal(
      (await gateway.query('{ product(id: "1") { id } }', {}, { authorization: `Bearer ${signHs256(tokenClaims(), secret)}` })).status,
      200,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStackConfig } from '../../../src/config/stack-config.js';
import { GatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { repoRoot } from '../../../src/repo-root.js';
import { checkKafka } from '../../../src/server/startup-checks.js';
import { stackAccounts } from '../../../src/stack/stack-accounts.js';
import { testConfig } from '../../support/gateway-harness.js';

/** The stack's second Kafka listener: SASL/PLAIN on KAFKA_SASL_PORT, with the gateway's local account. */
const saslBroker = `127.0.0.1:${loadStackConfig(process.env, repoRoot()).ports.kafkaSasl}`;
const { user, password } = stackAccounts.kafkaSasl;
const saslEnv = (secret: string) => ({
  KAFKA_BROKERS: saslBroker,
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: user,
  KAFKA_SASL_PASSWORD: secret,
});

describe('Kafka credentials', () => {
  it('connect to the SASL/PLAIN listener with the right password', async () => {
    await checkKafka(testConfig(saslEnv(password)), silentLogger);
  });

  it('fail start-up fast, naming KAFKA_SASL_PASSWORD, when the password is wrong', async () => {
    const began = Date.now();
    const error = await checkKafka(testConfig(saslEnv('not-the-password')), silentLogger).then(
      () => assert.fail('a wrong password was accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /^KAFKA_SASL_PASSWORD \(user gateway, plain\) was rejected by the broker/);
    assert.doesNotMatch(error.message, /not-the-password/, 'the password is never echoed');
    assert.ok(Date.now() - began < 5_000, `failed after ${Date.now() - began} ms`);
  });

  it('refuse the listener without credentials: it is not an open door', async () => {
    await assert.rejects(checkKafka(testConfig({ KAFKA_BROKERS: saslBroker }), silentLogger, 2_000), /KAFKA_BROKERS=.* is unreachable/);
  });

  it('are validated at start: a mechanism needs a user and a password, and credentials need a mechanism', () => {
    assert.throws(
      () => testConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: user }),
      /KAFKA_SASL_PASSWORD is required/,
    );
    assert.throws(() => testConfig({ KAFKA_SASL_PASSWORD: 'x' }), /KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not/);
    assert.throws(() => testConfig({ KAFKA_SASL_MECHANISM: 'gssapi' }), /KAFKA_SASL_MECHANISM/);
    assert.throws(() => testConfig({ KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' }), /KAFKA_TLS_CA_FILE cannot be read/);
    assert.throws(() => testConfig({ MYSQL_TLS_CA_FILE: '/etc/hostname' }), /MYSQL_TLS_CA_FILE .* holds no PEM certificate/);
    assert.throws(() => testConfig({ REDIS_USERNAME: 'gateway' }), /REDIS_USERNAME needs REDIS_PASSWORD/);
    const tls = testConfig({ REDIS_URL: 'rediss://cache.example:6380/0' }).redis.tls;
    assert.equal(tls.enabled, true, 'a rediss: URL means TLS');
  });
});

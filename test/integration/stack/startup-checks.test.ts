import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import { createGatewayServices } from '../../../src/server/gateway-services.js';
import { checkDependencies } from '../../../src/server/startup-checks.js';
import { testConfig } from '../../support/gateway-harness.js';

/** Port 1 on loopback: nothing listens there, so the connection is refused at once. */
async function startupError(overrides: Record<string, string>): Promise<GatewayError> {
  const config = testConfig(overrides);
  const services = createGatewayServices(config, silentLogger, createShopRegistry());
  try {
    await checkDependencies(config, services, 1_500);
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    return error;
  } finally {
    await services.close();
  }
  assert.fail('start-up checks passed against an unreachable service');
}

describe('start-up checks', () => {
  it('pass against the running stack', async () => {
    const config = testConfig();
    const services = createGatewayServices(config, silentLogger, createShopRegistry());
    try {
      await checkDependencies(config, services);
    } finally {
      await services.close();
    }
  });

  it('fail fast naming MYSQL_URL when the database is unreachable', async () => {
    const began = Date.now();
    const error = await startupError({ MYSQL_URL: 'mysql://gateway:gateway@127.0.0.1:1/shop' });
    assert.match(error.message, /^MYSQL_URL=mysql:\/\/gateway:\*\*\*@127\.0\.0\.1:1\/shop is unreachable: ECONNREFUSED/);
    assert.ok(Date.now() - began < 5_000);
  });

  it('fail fast naming ELASTICSEARCH_URL when search is unreachable', async () => {
    const error = await startupError({ ELASTICSEARCH_URL: 'http://127.0.0.1:1' });
    assert.match(error.message, /^ELASTICSEARCH_URL=http:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  it('fail fast naming REDIS_URL when the cache is unreachable', async () => {
    const error = await startupError({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    assert.match(error.message, /^REDIS_URL=redis:\/\/127\.0\.0\.1:1\/0 is unreachable/);
  });
});

import type { GatewayConfig } from '../config/gateway-config.js';
import { redactUrl } from '../config/env-readers.js';
import { GatewayError, errorMessage } from '../errors.js';
import type { GatewayServices } from './gateway-services.js';
import { waitForRedis } from '../cache/redis-client.js';

function unreachable(variable: string, value: string, error: unknown): GatewayError {
  return new GatewayError('CONFIG_INVALID', `${variable}=${redactUrl(value)} is unreachable: ${errorMessage(error)}`, { details: { variable } });
}

/**
 * Fails start-up fast, naming the variable, when a configured dependency cannot be reached: a typo
 * in a host name should not turn into a gateway that answers every request with an error.
 */
export async function checkDependencies(config: GatewayConfig, services: GatewayServices, timeoutMs = 5_000): Promise<void> {
  try {
    await services.pool.query('SELECT 1');
  } catch (error) {
    throw unreachable('MYSQL_URL', config.mysql.url, (error as { code?: string }).code ?? error);
  }
  try {
    await waitForRedis(services.redis, timeoutMs);
  } catch (error) {
    throw unreachable('REDIS_URL', config.redis.url, error);
  }
}

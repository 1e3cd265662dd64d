import type { StackConfig } from '../config/stack-config.js';
import { confluentApiUrl } from './services/schema-registry.js';
import { stackAccounts } from './stack-accounts.js';

/**
 * Connection variables of the running local stack, in the names the gateway's config reads; the
 * database is the shop's unless another schema's (GATEWAY_SCHEMA) is asked for.
 */
export function stackEnvironment(config: StackConfig, database: string = stackAccounts.database): Record<string, string> {
  const { ports } = config;
  const { gateway, writer } = stackAccounts;
  return {
    MYSQL_URL: `mysql://${gateway.user}:${gateway.password}@127.0.0.1:${ports.mysql}/${database}`,
    MYSQL_WRITER_URL: `mysql://${writer.user}:${writer.password}@127.0.0.1:${ports.mysql}/${database}`,
    REDIS_URL: `redis://127.0.0.1:${ports.redis}/0`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    ELASTICSEARCH_URL: `http://127.0.0.1:${ports.elasticsearch}`,
    KAFKA_CONNECT_URL: `http://127.0.0.1:${ports.connect}`,
    SCHEMA_REGISTRY_URL: confluentApiUrl(ports.schemaRegistry),
  };
}

import type { GatewayConfig } from '../config/gateway-config.js';
import { loadStackConfig } from '../config/stack-config.js';
import { generateDemoData, isDatabaseEmpty } from '../demo/demo-data.js';
import { isLibraryEmpty, loadLibraryDemo } from '../demo/library-demo.js';
import { createMysqlPool } from '../db/mysql-pool.js';
import { repoRoot } from '../repo-root.js';
import { createStackContext, stackUp } from '../stack/stack.js';
import { stackEnvironment } from '../stack/stack-env.js';

/** True when every service the gateway uses is the local stack's default address. */
export function usesLocalStack(config: GatewayConfig, env: NodeJS.ProcessEnv): boolean {
  const local = stackEnvironment(loadStackConfig(env, repoRoot()), config.schema);
  return (
    config.mysql.url === local.MYSQL_URL &&
    config.redis.url === local.REDIS_URL &&
    config.redis.clusterNodes.length === 0 &&
    config.kafka.brokers.join(',') === local.KAFKA_BROKERS &&
    config.elasticsearch.url === local.ELASTICSEARCH_URL
  );
}

export async function bringUpLocalStack(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const context = createStackContext(loadStackConfig(env, repoRoot()), env, (line) => log(`[stack] ${line}`));
  await stackUp(context);
}

/**
 * Loads the demo data set into an empty database; a database with products is left alone. The
 * library schema (GATEWAY_SCHEMA=library) has its own few demo rows; other schemas have none.
 */
export async function seedDemoDataIfEmpty(config: GatewayConfig, size: number, log: (line: string) => void): Promise<boolean> {
  if (config.schema !== 'shop' && config.schema !== 'library') return false;
  const pool = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 4 });
  try {
    if (config.schema === 'library') {
      if (!(await isLibraryEmpty(pool))) return false;
      log(`loaded ${await loadLibraryDemo(pool)} library demo rows through SQL`);
      return true;
    }
    if (!(await isDatabaseEmpty(pool))) return false;
    const began = Date.now();
    log(`loading demo data (${size} products) through SQL, so CDC sees every row`);
    await generateDemoData(pool, { size });
    log(`demo data loaded in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    await pool.end();
  }
}

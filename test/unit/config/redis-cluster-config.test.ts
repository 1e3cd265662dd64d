import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { GatewayError } from '../../../src/errors.js';

describe('redis cluster configuration', () => {
  it('uses the single server at REDIS_URL when no cluster nodes are given', () => {
    assert.deepEqual(loadGatewayConfig({}).redis.clusterNodes, []);
    assert.deepEqual(loadGatewayConfig({ REDIS_CLUSTER_NODES: '  ' }).redis.clusterNodes, []);
  });

  it('reads the seed nodes of a cluster as a host:port list', () => {
    const config = loadGatewayConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001, 127.0.0.1:7002,cache-3.internal:7003' });
    assert.deepEqual(config.redis.clusterNodes, ['127.0.0.1:7001', '127.0.0.1:7002', 'cache-3.internal:7003']);
  });

  it('names the variable of a malformed node list', () => {
    for (const value of ['127.0.0.1', '127.0.0.1:0', 'redis://127.0.0.1:7001', '127.0.0.1:7001;127.0.0.1:7002']) {
      assert.throws(
        () => loadGatewayConfig({ REDIS_CLUSTER_NODES: value }),
        (error: unknown) =>
          error instanceof GatewayError && error.code === 'CONFIG_INVALID' && error.message.startsWith('REDIS_CLUSTER_NODES='),
        value,
      );
    }
  });
});

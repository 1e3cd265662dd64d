import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClientAddressResolver, normalizeAddress } from '../../../src/server/client-address.js';
import { DEFAULT_TRUSTED_PROXIES } from '../../../src/config/security-config.js';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';

const behindProxies = createClientAddressResolver(true, DEFAULT_TRUSTED_PROXIES.split(','));

describe('client address behind proxies', () => {
  it('takes the rightmost X-Forwarded-For hop that is not a trusted proxy', () => {
    assert.equal(behindProxies.resolve('10.0.0.2', '6.6.6.6, 203.0.113.7'), '203.0.113.7');
    assert.equal(behindProxies.resolve('10.0.0.2', '6.6.6.6, 203.0.113.7, 192.168.1.4, 10.1.2.3'), '203.0.113.7');
    assert.equal(behindProxies.resolve('::ffff:127.0.0.1', '203.0.113.7:5123'), '203.0.113.7');
    assert.equal(behindProxies.resolve('::1', '[2001:db8::1]:443'), '2001:db8::1');
  });

  it('ignores the header when the peer is not a trusted proxy, or TRUST_PROXY is off', () => {
    assert.equal(behindProxies.resolve('198.51.100.3', '203.0.113.7'), '198.51.100.3');
    assert.equal(createClientAddressResolver(false, DEFAULT_TRUSTED_PROXIES.split(',')).resolve('10.0.0.2', '203.0.113.7'), '10.0.0.2');
  });

  it('stops at garbage in the chain, and answers the leftmost hop when every hop is a proxy', () => {
    assert.equal(behindProxies.resolve('10.0.0.2', 'evil, not-an-ip, 10.0.0.9'), '10.0.0.9');
    assert.equal(behindProxies.resolve('10.0.0.2', '10.0.0.8, 10.0.0.9'), '10.0.0.8');
  });

  it('normalizes IPv4-mapped IPv6 and ports', () => {
    assert.equal(normalizeAddress(' ::ffff:10.0.0.1 '), '10.0.0.1');
    assert.equal(normalizeAddress('1.2.3.4:80'), '1.2.3.4');
  });

  it('refuses TRUSTED_PROXIES entries that are not CIDRs, naming the variable', () => {
    assert.deepEqual(loadGatewayConfig({ TRUSTED_PROXIES: '10.1.0.0/16, 2001:db8::/32' }).http.trustedProxies, [
      '10.1.0.0/16',
      '2001:db8::/32',
    ]);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.0/x'])
      assert.throws(() => loadGatewayConfig({ TRUSTED_PROXIES: bad }), /TRUSTED_PROXIES/);
  });
});

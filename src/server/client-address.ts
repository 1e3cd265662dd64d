import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { proxyBlockList } from '../config/cidr-list.js';

/**
 * Which address a request comes from, behind proxies. Each proxy appends the address it received
 * the request from to X-Forwarded-For, so the right end was written by our own proxies and the left
 * end by the client, who can write anything there. Walking from the right, the first hop that is
 * not one of our proxies (TRUSTED_PROXIES) is the client: a forged left part is never reached.
 */
export interface ClientAddressResolver {
  resolve(remoteAddress: string, forwardedFor: string | undefined): string;
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) is 10.0.0.1; `1.2.3.4:5678` and `[::1]:80` lose their port. */
export function normalizeAddress(value: string): string {
  let address = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1] !== undefined) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `trustProxy` false: the socket's peer is the client, whatever the headers say. */
export function createClientAddressResolver(trustProxy: boolean, trustedProxies: readonly string[]): ClientAddressResolver {
  const trusted = proxyBlockList(trustedProxies);
  return {
    resolve(remoteAddress, forwardedFor) {
      const peer = normalizeAddress(remoteAddress);
      // A request that did not come through one of our proxies has no forwarded chain we can trust.
      if (!trustProxy || forwardedFor === undefined || !isTrusted(trusted, peer)) return peer;
      const hops = forwardedFor
        .split(',')
        .map(normalizeAddress)
        .filter((hop) => hop !== '');
      let nearest = peer;
      for (let index = hops.length - 1; index >= 0; index -= 1) {
        const hop = hops[index] as string;
        // Garbage in the chain was not written by a proxy of ours: the last trusted hop is all we know.
        if (isIP(hop) === 0) return nearest;
        if (!isTrusted(trusted, hop)) return hop;
        nearest = hop;
      }
      return nearest;
    },
  };
}

import { BlockList, isIP } from 'node:net';

/** A BlockList of CIDRs (`10.0.0.0/8`, `::1/128`) or single addresses; throws naming the bad entry. */
export function proxyBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128))
      throw new Error(`${JSON.stringify(entry)} has an invalid prefix length`);
    list.addSubnet(address, bits, type);
  }
  return list;
}

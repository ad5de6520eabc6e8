import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** An IPv4 address written as IPv6 (`::ffff:203.0.113.7`), as a dual-stack socket reports IPv4 clients. */
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The networks (CIDR) an API key is accepted from. */
export class NetworkList {
  private constructor(private readonly list: BlockList) {}

  /** Throws on a network that is not in CIDR notation; the request DTO has refused those already. */
  static parse(cidrs: readonly string[]): NetworkList {
    const list = new BlockList();
    for (const cidr of cidrs) {
      const [address = '', prefixText = '', extra] = cidr.split('/');
      const prefix = Number(prefixText);
      const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
      if (!family || extra !== undefined || !/^\d{1,3}$/.test(prefixText) || prefix > (family === 'ipv4' ? 32 : 128)) {
        throw new Error(`not a network in CIDR notation: ${cidr}`);
      }
      list.addSubnet(address, prefix, family);
    }
    return new NetworkList(list);
  }

  /** True when the address is in one of the networks; an IPv4 client seen as IPv6 counts as IPv4. */
  allows(source: string | undefined): boolean {
    // A link-local client may come with its interface (`fe80::1%eth0`), which says nothing about the network.
    const address = source?.split('%')[0];
    if (!address) return false;
    const mapped = IPV4_MAPPED.exec(address)?.[1];
    if (mapped && isIPv4(mapped)) return this.list.check(mapped, 'ipv4') || this.list.check(address, 'ipv6');
    if (isIPv4(address)) return this.list.check(address, 'ipv4');
    return isIPv6(address) && this.list.check(address, 'ipv6');
  }
}

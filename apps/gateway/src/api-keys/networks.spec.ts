import { NetworkList } from './networks';

describe('NetworkList', () => {
  const networks = NetworkList.parse(['203.0.113.0/24', '10.1.2.3/32', '2001:db8::/32']);

  it('lets through addresses inside the networks, IPv4 and IPv6', () => {
    expect(['203.0.113.7', '10.1.2.3', '2001:db8:1::5'].map((address) => networks.allows(address))).toEqual([true, true, true]);
  });

  it('refuses addresses outside them, and no address at all', () => {
    expect(['203.0.114.7', '10.1.2.4', '2001:db9::1', '', undefined].map((address) => networks.allows(address))).toEqual([false, false, false, false, false]);
  });

  it('takes an IPv4 client that a dual-stack socket reports as IPv6 for what it is', () => {
    expect([networks.allows('::ffff:203.0.113.9'), networks.allows('::FFFF:198.51.100.1')]).toEqual([true, false]);
  });

  it('ignores the interface of a link-local address', () => {
    expect(NetworkList.parse(['fe80::/10']).allows('fe80::1%eth0')).toBe(true);
  });

  it.each(['203.0.113.0', '203.0.113.0/33', '2001:db8::/129', 'example.com/24', '10.0.0.0/8/8'])('refuses %s as a network', (cidr) => {
    expect(() => NetworkList.parse([cidr])).toThrow(/CIDR/);
  });
});

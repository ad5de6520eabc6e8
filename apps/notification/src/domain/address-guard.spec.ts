import fc from 'fast-check';
import { type AllowList, checkWebhookUrl, isForbiddenAddress, mayConnect, parseAllowList } from './address-guard';

const NOTHING_ALLOWED: AllowList = parseAllowList('');

/** IPv4 octets as the dotted quad a resolver returns. */
const dotted = (octets: readonly number[]): string => octets.join('.');
/** The 6to4 address (2002:AABB:CCDD::) that tunnels to the IPv4 address. */
const sixToFour = (octets: readonly number[]): string => {
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return `2002:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}::1`;
};

describe('address guard', () => {
  describe('forbidden addresses', () => {
    it.each([
      ['127.0.0.1', 'loopback'],
      ['127.1.2.3', 'loopback, anywhere in 127/8'],
      ['::1', 'IPv6 loopback'],
      ['169.254.169.254', 'the cloud metadata address'],
      ['169.254.1.1', 'link-local'],
      ['fd00:ec2::254', 'the AWS IPv6 metadata address'],
      ['fe80::1', 'IPv6 link-local'],
      ['fe80::1%eth0', 'IPv6 link-local with a zone'],
      ['10.0.0.1', 'private 10/8'],
      ['172.16.0.1', 'private 172.16/12, first'],
      ['172.31.255.255', 'private 172.16/12, last'],
      ['192.168.1.1', 'private 192.168/16'],
      ['fc00::1', 'unique local'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['100.127.255.255', 'carrier-grade NAT, last'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', '0.0.0.0/8'],
      ['::', 'IPv6 unspecified'],
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'IPv6 multicast'],
      ['255.255.255.255', 'broadcast'],
      ['240.0.0.1', 'reserved 240/4'],
      ['192.0.2.10', 'documentation'],
      ['2001:db8::1', 'IPv6 documentation'],
      ['198.18.0.1', 'benchmarking'],
      ['2001:2::1', 'IPv6 benchmarking'],
      ['fec0::1', 'deprecated site-local'],
      ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
      ['::ffff:10.0.0.1', 'IPv4-mapped private'],
      ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
      ['::127.0.0.1', 'IPv4-compatible loopback'],
      ['::8.8.8.8', 'IPv4-compatible, deprecated even when public'],
      ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
      ['2002:7f00:0001::', '6to4 of 127.0.0.1'],
      ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
      ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
      ['64:ff9b:1::1', 'local-use NAT64'],
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo whose client is 127.0.0.1'],
      ['2001:0:a00:1::1', 'Teredo whose server is 10.0.0.1'],
      ['4000::1', 'outside global unicast'],
    ])('forbids %s (%s)', (ip) => {
      expect(isForbiddenAddress(ip)).toBe(true);
    });

    it.each([
      ['93.184.216.34', 'public IPv4'],
      ['1.1.1.1', 'public IPv4'],
      ['8.8.8.8', 'public IPv4'],
      ['172.32.0.1', 'just outside 172.16/12'],
      ['100.128.0.1', 'just outside carrier-grade NAT'],
      ['2606:4700:4700::1111', 'public IPv6'],
      ['::ffff:93.184.216.34', 'IPv4-mapped public'],
      ['2002:5db8:d822::1', '6to4 of a public address'],
      ['64:ff9b::8.8.8.8', 'NAT64 of a public address'],
    ])('allows %s (%s)', (ip) => {
      expect(isForbiddenAddress(ip)).toBe(false);
    });

    it('forbids what is not an address in its usual form', () => {
      for (const input of ['', 'localhost', 'example.com', '0x7f000001', '2130706433', '0177.0.0.1', '127.1', '010.0.0.1', '1.2.3.4.5', '::g', '[::1]', ' 1.1.1.1', '::ffff:0x7f.0.0.1', '::ffff:1.1.1']) {
        expect(isForbiddenAddress(input)).toBe(true);
      }
    });

    it('forbids every address of the private, loopback, link-local and carrier-grade NAT nets, plain, mapped and 6to4', () => {
      const octet = fc.integer({ min: 0, max: 255 });
      const internal = fc.oneof(
        fc.tuple(fc.constant(10), octet, octet, octet),
        fc.tuple(fc.constant(127), octet, octet, octet),
        fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
        fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
        fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
        fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
        fc.tuple(fc.constant(0), octet, octet, octet),
      );
      fc.assert(
        fc.property(internal, (octets) => {
          const ip = dotted(octets);
          return isForbiddenAddress(ip) && isForbiddenAddress(`::ffff:${ip}`) && isForbiddenAddress(sixToFour(octets)) && isForbiddenAddress(`64:ff9b::${ip}`);
        }),
      );
    });

    it('judges an IPv4 address the same way in its mapped, 6to4 and NAT64 forms', () => {
      fc.assert(
        fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (octets) => {
          const ip = dotted(octets);
          const verdict = isForbiddenAddress(ip);
          return [`::ffff:${ip}`, sixToFour(octets), `64:ff9b::${ip}`].every((form) => isForbiddenAddress(form) === verdict);
        }),
      );
    });
  });

  describe('allow-list', () => {
    it('reads host names, addresses and CIDR ranges', () => {
      const allow = parseAllowList('127.0.0.1, 10.1.0.0/16,Hooks.Internal.,fd00:1::/64,[::1]');
      expect([...allow.hosts]).toEqual(['hooks.internal']);
      expect(allow.ranges.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual(['127.0.0.1/32', '10.1.0.0/16', 'fd00:1::/64', '::1/128']);
    });

    it('is empty for an empty setting, and skips blank entries', () => {
      expect(parseAllowList('')).toEqual({ hosts: new Set(), ranges: [] });
      expect(parseAllowList(' , hooks.internal ,')).toEqual({ hosts: new Set(['hooks.internal']), ranges: [] });
    });

    it('refuses a bad entry, naming it', () => {
      expect(() => parseAllowList('hooks.internal,10.0.0.0/33')).toThrow('allowed target "10.0.0.0/33" is not a valid CIDR range (e.g. 10.1.0.0/16 or fd00:1::/64)');
      expect(() => parseAllowList('10.0.0.0/x')).toThrow(/"10.0.0.0\/x"/);
      expect(() => parseAllowList('hooks.internal:8080')).toThrow('allowed target "hooks.internal:8080" is neither a host name, an IP address nor a CIDR range');
      expect(() => parseAllowList('http://hooks.internal')).toThrow(/"http:\/\/hooks.internal"/);
      expect(() => parseAllowList('0x7f000001')).toThrow(/"0x7f000001"/);
      expect(() => parseAllowList('127.1')).toThrow(/"127.1"/);
      expect(() => parseAllowList('-bad-.example')).toThrow(/"-bad-.example"/);
    });
  });

  describe('connecting', () => {
    const allow = parseAllowList('127.0.0.1,10.1.0.0/16,hooks.internal');

    it('connects to public addresses whatever the host', () => {
      expect(mayConnect('example.com', '93.184.216.34', NOTHING_ALLOWED)).toBe(true);
    });

    it('refuses a forbidden address a public-looking name resolved to', () => {
      expect(mayConnect('rebind.example.com', '169.254.169.254', allow)).toBe(false);
      expect(mayConnect('rebind.example.com', '10.2.0.1', allow)).toBe(false);
    });

    it('connects to a forbidden address when the address or its range is allowed', () => {
      expect(mayConnect('anything.example', '127.0.0.1', allow)).toBe(true);
      expect(mayConnect('anything.example', '10.1.255.7', allow)).toBe(true);
      expect(mayConnect('anything.example', '::ffff:10.1.0.9', allow)).toBe(true);
    });

    it('connects anywhere a host on the allow-list resolves to', () => {
      expect(mayConnect('hooks.internal', '192.168.7.7', allow)).toBe(true);
      expect(mayConnect('HOOKS.internal.', '192.168.7.7', allow)).toBe(true);
      expect(mayConnect('hooks.internal.evil.com', '192.168.7.7', allow)).toBe(false);
    });

    it('never connects to something that is not an address', () => {
      expect(mayConnect('hooks.internal', 'not-an-ip', allow)).toBe(false);
    });
  });

  describe('webhook URLs', () => {
    it('accepts http and https URLs on names and public addresses', () => {
      for (const url of ['https://hooks.example.com/itsm', 'http://hooks.example.com:8080/a?b=c', 'https://93.184.216.34/x', 'https://[2606:4700:4700::1111]/']) {
        expect(checkWebhookUrl(url, NOTHING_ALLOWED)).toBeNull();
      }
    });

    it('does not resolve names: a name is accepted here and checked again when connecting', () => {
      expect(checkWebhookUrl('http://internal.example.com/', NOTHING_ALLOWED)).toBeNull();
    });

    it('refuses other schemes and what is not a URL', () => {
      expect(checkWebhookUrl('ftp://x', NOTHING_ALLOWED)).toBe('webhook URLs must use http or https, not ftp');
      expect(checkWebhookUrl('file:///etc/passwd', NOTHING_ALLOWED)).toMatch(/http or https/);
      expect(checkWebhookUrl('not a url', NOTHING_ALLOWED)).toBe('"not a url" is not a URL');
    });

    it('refuses credentials and fragments', () => {
      expect(checkWebhookUrl('http://user:pw@example.com', NOTHING_ALLOWED)).toMatch(/must not contain a user name or password/);
      expect(checkWebhookUrl('http://user@example.com', NOTHING_ALLOWED)).toMatch(/user name or password/);
      expect(checkWebhookUrl('https://example.com/hook#part', NOTHING_ALLOWED)).toBe('webhook URLs must not have a fragment');
      expect(checkWebhookUrl('https://example.com/hook#', NOTHING_ALLOWED)).toMatch(/fragment/);
    });

    it('refuses internal literal addresses, in any spelling the URL parser turns into one', () => {
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://[::1]/',
        'http://0x7f000001/',
        'http://2130706433/',
        'http://0177.0.0.1/',
        'http://127.1/',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:127.0.0.1]/',
        'http://[fd00:ec2::254]/',
        'http://0.0.0.0/',
      ]) {
        expect(checkWebhookUrl(url, NOTHING_ALLOWED)).toMatch(/loopback, private, link-local or otherwise internal address/);
      }
    });

    it('refuses localhost names without resolving them', () => {
      expect(checkWebhookUrl('http://localhost:3000/', NOTHING_ALLOWED)).toMatch(/this machine/);
      expect(checkWebhookUrl('http://api.localhost./', NOTHING_ALLOWED)).toMatch(/this machine/);
    });

    it('accepts internal targets the allow-list names', () => {
      const allow = parseAllowList('127.0.0.1,10.1.0.0/16,localhost');
      expect(checkWebhookUrl('http://127.0.0.1:8080/hook', allow)).toBeNull();
      expect(checkWebhookUrl('http://0x7f000001/', allow)).toBeNull();
      expect(checkWebhookUrl('http://10.1.2.3/', allow)).toBeNull();
      expect(checkWebhookUrl('http://localhost:3000/', allow)).toBeNull();
      expect(checkWebhookUrl('http://10.2.0.1/', allow)).toMatch(/internal address/);
      expect(checkWebhookUrl('http://[::1]/', allow)).toMatch(/internal address/);
    });
  });
});

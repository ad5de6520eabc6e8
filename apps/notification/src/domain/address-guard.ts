/**
 * Where webhooks may not go (SSRF): rules over literal addresses only. Host names are resolved by the caller,
 * which checks each address it is about to connect to with `mayConnect`.
 */
import * as ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * IPv4 ranges a webhook may reach: public unicast, and the anycast services ipaddr.js names separately.
 * Everything else it classifies (unspecified 0/8, broadcast, multicast, link-local with the metadata address,
 * loopback, carrier-grade NAT, private, reserved with the documentation and benchmarking nets) is forbidden.
 */
const PUBLIC_IPV4: ReadonlySet<string> = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_IPV6: ReadonlySet<string> = new Set(['unicast', 'as112v6', 'amt']);

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse('2000::');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parse('64:ff9b::');

function ipv4FromParts(high: number | undefined, low: number | undefined): ipaddr.IPv4 {
  const h = high ?? 0;
  const l = low ?? 0;
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}

function isForbiddenIPv4(address: ipaddr.IPv4): boolean {
  return !PUBLIC_IPV4.has(address.range());
}

function isForbiddenIPv6(address: ipaddr.IPv6): boolean {
  const parts = address.parts;
  // IPv4-compatible (::a.b.c.d, deprecated), with :: and ::1: nothing global lives in ::/96.
  if (parts.slice(0, 6).every((part) => part === 0)) return true;
  switch (address.range()) {
    case 'ipv4Mapped':
      return isForbiddenIPv4(address.toIPv4Address());
    // Translated (::ffff:0:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach the embedded IPv4 address.
    case 'rfc6145':
      return isForbiddenIPv4(ipv4FromParts(parts[6], parts[7]));
    case 'rfc6052':
      // The local-use prefix 64:ff9b:1::/48 embeds addresses wherever its operator likes: not ours to decode.
      return !address.match(NAT64_WELL_KNOWN, 96) || isForbiddenIPv4(ipv4FromParts(parts[6], parts[7]));
    case '6to4':
      return isForbiddenIPv4(ipv4FromParts(parts[1], parts[2]));
    case 'teredo':
      // Server in bits 32–63, client obfuscated (inverted) in the last 32.
      return isForbiddenIPv4(ipv4FromParts(parts[2], parts[3])) || isForbiddenIPv4(ipv4FromParts((parts[6] ?? 0) ^ 0xffff, (parts[7] ?? 0) ^ 0xffff));
    default:
      // Outside 2000::/3 the space is reserved or special (fc00::/7, fe80::/10, ff00::/8, fec0::/10, 100::/64 …).
      return !PUBLIC_IPV6.has(address.range()) || !address.match(GLOBAL_UNICAST_V6, 3);
  }
}

/**
 * Parses an address in its usual text form only: dotted-quad IPv4 without leading zeros, or IPv6 (with a
 * dotted-quad tail at most). Forms such as `0x7f000001`, `2130706433` or `0177.1` are read differently by different
 * resolvers, so they are not addresses here (and therefore forbidden).
 */
function parseAddress(ip: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) return ipaddr.IPv4.parse(ip);
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return null;
  const embedded = /:([^:%]*\.[^:%]*)(%.*)?$/.exec(ip)?.[1];
  if (embedded === undefined) return ipaddr.IPv6.parse(ip);
  if (!ipaddr.IPv4.isValidFourPartDecimal(embedded)) return null;
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; it is the IPv4-compatible form (::/96), which is not the same.
  if (/^::[^:]*$/.test(ip)) {
    const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(embedded).octets;
    return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, (a << 8) | b, (c << 8) | d]);
  }
  return ipaddr.IPv6.parse(ip);
}

/**
 * Loopback, unspecified, link-local (cloud metadata included), private, carrier-grade NAT, multicast, broadcast,
 * reserved, benchmarking, 0.0.0.0/8, IPv4-mapped/compatible IPv6 of any of these, and 6to4/Teredo/NAT64 embedding
 * a forbidden IPv4 address. Invalid input is forbidden too.
 */
export function isForbiddenAddress(ip: string): boolean {
  const address = parseAddress(ip);
  return address === null || isForbidden(address);
}

function isForbidden(address: Address): boolean {
  return address.kind() === 'ipv4' ? isForbiddenIPv4(address as ipaddr.IPv4) : isForbiddenIPv6(address as ipaddr.IPv6);
}

export interface AllowList {
  hosts: Set<string>;
  ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

const HOST_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower case, without the root dot and IPv6 brackets, as `URL.hostname` and configuration entries compare. */
function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}

function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  // A name whose last label is a number is an IPv4 address to a URL parser (WHATWG "ends in a number").
  const last = labels[labels.length - 1] ?? '';
  if (/^(\d+|0x[0-9a-f]*)$/.test(last)) return false;
  return labels.every((label) => HOST_LABEL.test(label));
}

/**
 * NOTIFICATION_ALLOWED_TARGETS: comma-separated host names (exact, compared in lower case), IPs and CIDRs, e.g.
 * "127.0.0.1,10.1.0.0/16,hooks.internal". Throws an Error naming the bad entry. Empty string → empty list.
 */
export function parseAllowList(spec: string): AllowList {
  const allow: AllowList = { hosts: new Set(), ranges: [] };
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.includes('/')) {
      const [ip = '', bits = ''] = entry.split('/');
      const address = parseAddress(normalizeHost(ip));
      const max = address?.kind() === 'ipv4' ? 32 : 128;
      if (!address || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
        throw new Error(`allowed target "${entry}" is not a valid CIDR range (e.g. 10.1.0.0/16 or fd00:1::/64)`);
      }
      allow.ranges.push([address, Number(bits)]);
      continue;
    }
    const host = normalizeHost(entry);
    const address = parseAddress(host);
    if (address) allow.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    else if (isHostName(host)) allow.hosts.add(host);
    else throw new Error(`allowed target "${entry}" is neither a host name, an IP address nor a CIDR range`);
  }
  return allow;
}

function inAllowedRange(address: Address, allow: AllowList): boolean {
  // An IPv4-mapped IPv6 address is the IPv4 address for the socket, so an IPv4 range covers it too.
  const forms: Address[] = [address];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((address as ipaddr.IPv6).toIPv4Address());
  return allow.ranges.some(([range, bits]) => forms.some((form) => form.kind() === range.kind() && form.match(range, bits)));
}

/** May a connection go to `ip`, reached for `host`? Allowed when the address is not forbidden, or host or ip is in the allow-list. */
export function mayConnect(host: string, ip: string, allow: AllowList): boolean {
  const address = parseAddress(normalizeHost(ip));
  if (!address) return false;
  return !isForbidden(address) || allow.hosts.has(normalizeHost(host)) || inAllowedRange(address, allow);
}

/** Names that always mean this machine (RFC 6761), so refused without resolving them. */
const isLocalhost = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/**
 * A webhook URL as given by a user: null when usable, else a message. Only http: and https:, no user:password, a
 * host, no fragment; a literal IP host (after the URL parser's normalisation, so `0x7f000001` is 127.0.0.1) is
 * checked with isForbiddenAddress unless allowed. Host names are not resolved here.
 */
export function checkWebhookUrl(url: string, allow: AllowList): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `webhook URLs must use http or https, not ${parsed.protocol.slice(0, -1)}`;
  if (parsed.username !== '' || parsed.password !== '') return 'webhook URLs must not contain a user name or password; authenticate with the signature';
  const host = normalizeHost(parsed.hostname);
  if (host === '') return 'webhook URLs need a host';
  if (url.includes('#')) return 'webhook URLs must not have a fragment';
  if (allow.hosts.has(host)) return null;
  const address = parseAddress(host);
  if (address) return mayConnect(host, host, allow) ? null : `webhook URL points at ${host}, a loopback, private, link-local or otherwise internal address`;
  if (isLocalhost(host)) return `webhook URL points at ${host}, which is this machine`;
  return null;
}

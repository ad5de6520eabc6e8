import * as dns from 'node:dns';
import { isIP } from 'node:net';
import { type AllowList, checkWebhookUrl, mayConnect } from '../domain/address-guard';

/** Longer than a healthy resolver needs, well inside the caller's RPC deadline. */
const LOOKUP_TIMEOUT_MS = 3000;

/**
 * A webhook URL as a subscription may keep it: null when usable, else a message. On top of the rules over the URL
 * itself, a host name must resolve, and to no address a webhook may not reach (the dispatcher checks again at
 * each connection, since a name can resolve elsewhere later).
 */
export async function checkWebhookTarget(url: string, allow: AllowList): Promise<string | null> {
  const problem = checkWebhookUrl(url, allow);
  if (problem) return problem;
  const hostname = new URL(url).hostname;
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) !== 0) return null;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await withTimeout(dns.promises.lookup(host, { all: true }), LOOKUP_TIMEOUT_MS);
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `host ${host} does not resolve`;
  const refused = addresses.filter((entry) => !mayConnect(host, entry.address, allow)).map((entry) => entry.address);
  if (refused.length > 0) return `host ${host} resolves to ${refused.join(', ')}: a loopback, private, link-local or otherwise internal address`;
  return null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { type AllowList, mayConnect } from '../domain/address-guard';
import type { AttemptOutcome } from '../domain/retry-policy';

export interface WebhookMessage {
  url: string;
  /** `webhook-id`: the same for every attempt of one message. */
  messageId: string;
  body: string;
  /** Signing secrets (`whsec_…`): the current one, and the previous one during a rotation. */
  secrets: string[];
  timeoutMs: number;
}

export interface SentAttempt {
  outcome: AttemptOutcome;
  latencyMs: number;
}

/** What a receiver may answer with; more is cut off (we only keep the status). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Where a connection may go, decided when it is made: the host name is resolved here and every address is checked
 * (loopback, private, link-local and metadata ranges are refused unless allowed), so a name that resolves
 * differently after the subscription was checked (DNS rebinding) still cannot reach an internal address.
 */
export function guardedLookup(allow: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((address) => !mayConnect(hostname, address.address, allow));
      if (refused || list.length === 0) {
        const failure = Object.assign(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which webhooks may not reach`), { code: 'EADDRNOTALLOWED' });
        return callback(failure, '', 0);
      }
      if (options.all) return (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** Sends one Standard Webhooks message: JSON body, `webhook-id`, `webhook-timestamp` and `webhook-signature` headers. */
export class WebhookSender {
  private readonly lookup: LookupFunction;

  constructor(private readonly allow: AllowList) {
    this.lookup = guardedLookup(allow);
  }

  /** One attempt; never throws: every failure is an outcome. */
  send(message: WebhookMessage, now = new Date()): Promise<SentAttempt> {
    const started = Date.now();
    const signature = message.secrets.map((secret) => new Webhook(secret).sign(message.messageId, now, message.body)).join(' ');
    return new Promise<SentAttempt>((resolve) => {
      let settled = false;
      const finish = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        resolve({ outcome, latencyMs: Date.now() - started });
      };
      let url: URL;
      try {
        url = new URL(message.url);
      } catch {
        return finish({ kind: 'network', error: 'invalid URL' });
      }
      // A literal address is connected to without a lookup, so it is checked here.
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(literal) && !mayConnect(literal, literal, this.allow)) return finish({ kind: 'network', error: `${literal} is an address webhooks may not reach` });
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          lookup: this.lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(message.body),
            'user-agent': 'itsm-notifications/1',
            'webhook-id': message.messageId,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (response) => {
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) response.destroy();
          });
          const status = response.statusCode ?? 0;
          const retryAfter = response.headers['retry-after'] ?? null;
          response.on('close', () => finish({ kind: 'response', status, retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : retryAfter }));
          response.on('error', () => finish({ kind: 'response', status, retryAfter: null }));
        },
      );
      const timer = setTimeout(() => {
        finish({ kind: 'timeout' });
        request.destroy();
      }, message.timeoutMs);
      request.on('close', () => clearTimeout(timer));
      request.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'network', error: error.code === 'EADDRNOTALLOWED' ? error.message : `${error.code ?? 'error'}: ${error.message}` }));
      request.end(message.body);
    });
  }
}

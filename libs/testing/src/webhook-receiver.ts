import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** The request path: give each subscription its own to tell them apart. */
  path: string;
  headers: Record<string, string>;
  /** The raw body, as a signature is computed over it. */
  body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`: point a subscription at any path below it. */
  url: string;
  /** Every message so far, in arrival order (retries and replays included). */
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A loopback HTTP server that answers every POST 200 and keeps what it got: a webhook subscriber for tests. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

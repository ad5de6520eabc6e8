/** A real webhook peer for tests: an HTTP receiver on loopback, and signature checks with the Standard Webhooks library. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

/** What the receiver answers: a status (and headers), after an optional delay; `hang` never answers. */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

/**
 * A webhook receiver on loopback. `answer(path, n)` decides the reply to the n-th request (1-based) to a path;
 * every request is kept with its headers and raw body so a test can verify signatures with the Standard Webhooks
 * library.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    public answer: (path: string, n: number) => Answer,
  ) {}

  static async start(answer: (path: string, n: number) => Answer = () => ({ status: 204 }), host = '127.0.0.1'): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => holder.receiver?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    holder.receiver = new WebhookReceiver(server, host, (server.address() as AddressInfo).port, answer);
    return holder.receiver;
  }

  url(path: string): string {
    return `http://${this.host}:${this.port}${path}`;
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.path === path);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const n = (this.counts.get(path) ?? 0) + 1;
      this.counts.set(path, n);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
      this.received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
      const answer = this.answer(path, n);
      if (answer === 'hang') {
        this.hanging.add(response);
        return;
      }
      setTimeout(() => response.writeHead(answer.status, answer.headers ?? {}).end(), answer.delayMs ?? 0);
    });
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies a received message with the official Standard Webhooks library; returns the payload or throws. */
export function verifySignature(secret: string, message: ReceivedWebhook): unknown {
  return new Webhook(secret).verify(message.body, {
    'webhook-id': message.headers['webhook-id'] ?? '',
    'webhook-timestamp': message.headers['webhook-timestamp'] ?? '',
    'webhook-signature': message.headers['webhook-signature'] ?? '',
  });
}

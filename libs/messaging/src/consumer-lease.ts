import { Client } from 'pg';
import type { Logger } from 'pino';

/** How often the lease connection proves it is alive; a lease whose connection stops answering is given up. */
const PING_INTERVAL_MS = 5_000;
const PING_TIMEOUT_MS = 5_000;

/**
 * Which replica consumes each durable consumer: the one holding a PostgreSQL session advisory lock named after
 * it, on one connection per process kept for that purpose. A replica that dies loses its session and with it its
 * leases (the server side closes the session when the socket does, and finds a silent peer within about 25 s by
 * the keepalives set below); a replica that stops releases them; the others try again every few seconds.
 *
 * One active replica per consumer is what lets a consumer apply each record's events in stream order: two
 * replicas pulling from one durable would each hold part of a record's events.
 */
export class ConsumerLeases {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly held = new Map<string, () => void>();
  private ping: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly applicationName: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Takes the lease of `consumer` if no live session holds it; `onLost` is called (once) if the lease's
   * connection is lost while it is held. Throws when the database cannot be reached.
   */
  async tryAcquire(consumer: string, onLost: () => void): Promise<boolean> {
    if (this.closed) return false;
    if (this.held.has(consumer)) return true;
    const client = await this.connection();
    const result = await client.query<{ taken: boolean }>(`SELECT pg_try_advisory_lock(hashtext('itsm:consumer'), hashtext($1)) AS taken`, [consumer]);
    if (!result.rows[0]?.taken) return false;
    this.held.set(consumer, onLost);
    return true;
  }

  /** Gives the lease back so another replica takes over at its next try. */
  async release(consumer: string): Promise<void> {
    if (!this.held.delete(consumer)) return;
    const client = this.client;
    if (!client) return;
    await client.query(`SELECT pg_advisory_unlock(hashtext('itsm:consumer'), hashtext($1))`, [consumer]).catch((error: unknown) => {
      // The session is gone, and its locks with it.
      this.logger.warn({ err: error, consumer }, 'releasing a consumer lease failed');
    });
  }

  holds(consumer: string): boolean {
    return this.held.has(consumer);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held.clear();
    clearInterval(this.ping);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: this.applicationName, keepAlive: true, query_timeout: PING_TIMEOUT_MS });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    // The server notices a peer that vanished without closing its socket (a node lost, a partition) within
    // about 10 + 5 × 3 s instead of its default two hours, and ends the session: its leases go with it.
    await client.query(`SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3`);
    this.client = client;
    clearInterval(this.ping);
    this.ping = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => {
        this.lost(client, error);
        client.end().catch(() => undefined);
      });
    }, PING_INTERVAL_MS);
    this.ping.unref();
    return client;
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.ping);
    const lost = [...this.held.entries()];
    this.held.clear();
    if (lost.length > 0 && !this.closed) this.logger.warn({ err: error, consumers: lost.map(([name]) => name) }, 'consumer lease connection lost; the leases are given up');
    for (const [, onLost] of lost) onLost();
  }
}

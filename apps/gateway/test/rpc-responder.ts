import type { Msg, NatsConnection, Subscription } from 'nats';
import { ErrorCode, type RpcReply } from '@itsm/contracts';

export interface ReceivedRpc {
  subject: string;
  /** The request payload (`data` of Nest's NATS packet). */
  data: unknown;
  headers: Record<string, string>;
}

export type RpcBehaviour = (received: ReceivedRpc) => RpcReply<unknown>;

/**
 * Stands in for a service: answers RPC subjects in the reply format of Nest's NATS transport and records
 * every request it gets.
 */
export class RpcResponder {
  readonly received: ReceivedRpc[] = [];
  behaviour: RpcBehaviour = () => ({ ok: false, error: { code: ErrorCode.INTERNAL, message: 'no behaviour set' } });
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: readonly string[],
  ) {}

  async start(): Promise<void> {
    this.subscriptions = this.subjects.map((subject) => this.nc.subscribe(subject, { callback: (_error, msg) => this.answer(msg) }));
    await this.nc.flush();
  }

  async stop(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    await this.nc.flush();
  }

  reset(behaviour?: RpcBehaviour): void {
    this.received.length = 0;
    if (behaviour) this.behaviour = behaviour;
  }

  private answer(msg: Msg): void {
    const packet = msg.json<{ pattern: string; data: unknown; id: string }>();
    const headers: Record<string, string> = {};
    for (const key of msg.headers?.keys() ?? []) headers[key.toLowerCase()] = msg.headers?.get(key) ?? '';
    const received = { subject: msg.subject, data: packet.data, headers };
    this.received.push(received);
    msg.respond(JSON.stringify({ id: packet.id, response: this.behaviour(received), isDisposed: true }));
  }
}

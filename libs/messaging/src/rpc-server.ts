import { type NatsOptions, ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';

export type RpcServerOptions = Required<NatsOptions>['options'];

/**
 * Nest's NATS server, stopping without losing requests. Nest's own unsubscribes on close: the client forgets the
 * subscription at once, so a request the broker routed to this replica before it took the unsubscription in is
 * dropped, and its caller waits for its timeout while the other replicas were free. This one drains the
 * subscriptions instead (the broker stops routing here, and what it routed before is still handled), then lets
 * Nest wait its grace period for the answers in flight and close the connection.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly subscribed: Subscription[] = [];

  constructor(private readonly serverOptions: RpcServerOptions) {
    super(serverOptions);
  }

  /** As Nest's: one subscription per pattern in the queue group; kept here to be drained. */
  override bindEvents(client: NatsConnection): void {
    const defaultQueue = this.getOptionsProp(this.serverOptions, 'queue');
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.['queue'] as string | undefined) ?? defaultQueue;
      const callback = this.getMessageHandler(channel).bind(this) as (error: NatsError | null, message: Msg) => void;
      this.subscribed.push(client.subscribe(channel, { ...(queue ? { queue } : {}), callback }));
    }
  }

  /**
   * Subscribes, then reports started only once the broker has the subscriptions (a flush round trip): a service that
   * says it is up answers its RPC at once, instead of "no responders" for the first moment.
   */
  override start(callback: (error?: unknown) => void): void {
    const client = this.unwrap<NatsConnection>();
    this.bindEvents(client);
    client.flush().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  override async close(): Promise<void> {
    await Promise.all(this.subscribed.splice(0).map((subscription) => subscription.drain().catch(() => undefined)));
    await super.close();
  }
}

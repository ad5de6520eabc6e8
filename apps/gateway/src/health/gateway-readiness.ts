import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Events, type NatsConnection } from 'nats';
import { NATS_CONNECTION } from '@itsm/messaging';

export interface ReadinessStatus {
  ready: boolean;
  nats: 'up' | 'down';
  shuttingDown: boolean;
}

/** Ready while NATS is connected and no shutdown has begun. */
@Injectable()
export class GatewayReadiness implements OnModuleInit {
  private natsConnected = true;
  private shuttingDown = false;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  onModuleInit(): void {
    this.watch().catch(() => {
      this.natsConnected = false;
    });
  }

  /** First step of shutdown: readiness fails, so the load balancer stops sending requests. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  status(): ReadinessStatus {
    const natsUp = this.natsConnected && !this.nc.isClosed();
    return { ready: natsUp && !this.shuttingDown, nats: natsUp ? 'up' : 'down', shuttingDown: this.shuttingDown };
  }

  private async watch(): Promise<void> {
    // The iterator ends when the connection closes, which isClosed() reports from then on.
    for await (const event of this.nc.status()) {
      if (event.type === Events.Disconnect) this.natsConnected = false;
      else if (event.type === Events.Reconnect) this.natsConnected = true;
    }
  }
}

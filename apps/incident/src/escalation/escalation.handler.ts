import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, SlaEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { EscalationService } from './escalation.service';

/** The SLA service's warnings and breaches, each handed to the escalation use case. */
@Injectable()
export class EscalationHandler {
  constructor(private readonly escalation: EscalationService) {}

  /** Durable consumer `incident-sla-warning`. */
  @OnEvent('sla-warning', SlaEvents.warning)
  async onWarning(event: EventOf<typeof SlaEvents.warning>, manager: EntityManager): Promise<void> {
    await this.escalation.escalate(event.data, { on: 'warning', metric: event.data.metric, thresholdPercent: event.data.thresholdPercent }, manager);
  }

  /** Durable consumer `incident-sla-breached`. */
  @OnEvent('sla-breached', SlaEvents.breached)
  async onBreach(event: EventOf<typeof SlaEvents.breached>, manager: EntityManager): Promise<void> {
    await this.escalation.escalate(event.data, { on: 'breached', metric: event.data.metric }, manager);
  }
}

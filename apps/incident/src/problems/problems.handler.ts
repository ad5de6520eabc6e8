import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, ProblemEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { ProblemsService } from './problems.service';

/** One consumer for every problem event here, so that a problem's links, unlinks and resolution apply in their order. */
const PURPOSE = 'problems';

/** Durable consumer `incident-problems`: the problem service's links, unlinks and resolutions, each handed to its use case. */
@Injectable()
export class ProblemsHandler {
  constructor(private readonly problems: ProblemsService) {}

  @OnEvent(PURPOSE, ProblemEvents.incidentLinked)
  async onIncidentLinked(event: EventOf<typeof ProblemEvents.incidentLinked>, manager: EntityManager): Promise<void> {
    await this.problems.linked(manager, event.data.problem, event.data.incidentId);
  }

  @OnEvent(PURPOSE, ProblemEvents.incidentUnlinked)
  async onIncidentUnlinked(event: EventOf<typeof ProblemEvents.incidentUnlinked>, manager: EntityManager): Promise<void> {
    await this.problems.unlinked(manager, event.data.problem, event.data.incidentId);
  }

  @OnEvent(PURPOSE, ProblemEvents.resolved)
  async onResolved(event: EventOf<typeof ProblemEvents.resolved>, manager: EntityManager): Promise<void> {
    await this.problems.resolved(manager, event.data);
  }
}

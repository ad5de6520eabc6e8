import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, IncidentEvents, RequestEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { SuggestionsService } from './suggestions.service';
import { incidentText, requestText, SUGGESTION_FIELDS } from './ticket-text';

const PURPOSE = 'suggestions';

/** Durable consumer `knowledge-suggestions`: each new or reworded ticket gets the articles that fit it. */
@Injectable()
export class SuggestionsHandler {
  constructor(private readonly suggestions: SuggestionsService) {}

  @OnEvent(PURPOSE, IncidentEvents.created)
  async onIncidentCreated(event: EventOf<typeof IncidentEvents.created>, manager: EntityManager): Promise<void> {
    await this.suggestions.suggestForTicket(manager, incidentText(event.data));
  }

  @OnEvent(PURPOSE, IncidentEvents.updated)
  async onIncidentUpdated(event: EventOf<typeof IncidentEvents.updated>, manager: EntityManager): Promise<void> {
    if (!event.data.changes.some((change) => SUGGESTION_FIELDS.includes(change.field))) return;
    await this.suggestions.suggestForTicket(manager, incidentText(event.data.incident));
  }

  @OnEvent(PURPOSE, RequestEvents.submitted)
  async onRequestSubmitted(event: EventOf<typeof RequestEvents.submitted>, manager: EntityManager): Promise<void> {
    await this.suggestions.suggestForTicket(manager, requestText(event.data));
  }
}

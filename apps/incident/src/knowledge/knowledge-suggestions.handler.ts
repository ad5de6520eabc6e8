import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, KnowledgeEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { KnowledgeSuggestionsService } from './knowledge-suggestions.service';

const PURPOSE = 'knowledge-suggestions';

/** Durable consumer `incident-knowledge-suggestions`: the articles the knowledge service suggests for a ticket. */
@Injectable()
export class KnowledgeSuggestionsHandler {
  constructor(private readonly suggestions: KnowledgeSuggestionsService) {}

  @OnEvent(PURPOSE, KnowledgeEvents.suggested)
  async onSuggested(event: EventOf<typeof KnowledgeEvents.suggested>, manager: EntityManager): Promise<void> {
    await this.suggestions.suggested(manager, event.data);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KnowledgeTicketType, type KnowledgeSuggestedV1, type SuggestedArticle } from '@itsm/contracts';

/**
 * Keeps the knowledge service's suggestions on the incident they are for, in the transaction of the event's inbox
 * row. Suggestions are not a change of the incident: nobody made them on it and nothing about the incident itself
 * moved. So the columns are written directly, by SQL rather than through the entity (TypeORM would add one to the
 * version column and set `updated_at`): no new version (an agent's ETag stays valid), no audit row, no incident
 * event (which the knowledge service, a consumer of incident updates, would answer with new suggestions).
 */
@Injectable()
export class KnowledgeSuggestionsService {
  /**
   * Stores the articles unless suggestions for a newer version of the incident are there already; those of a
   * request, or of an incident this service does not have, change nothing.
   */
  async suggested(manager: EntityManager, suggestion: KnowledgeSuggestedV1): Promise<void> {
    if (suggestion.ticketType !== KnowledgeTicketType.Incident) return;
    const articles: SuggestedArticle[] = suggestion.articles.map(({ id, number, title }) => ({ id, number, title }));
    await manager.query(
      `UPDATE incident.incidents SET suggested_articles = $2::jsonb, suggestions_version = $3
        WHERE id = $1 AND (suggestions_version IS NULL OR suggestions_version <= $3)`,
      [suggestion.ticketId, JSON.stringify(articles), suggestion.ticketVersion],
    );
  }
}

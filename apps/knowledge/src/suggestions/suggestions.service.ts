import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type ArticleSuggestion, KnowledgeEvents, MAX_SUGGESTIONS } from '@itsm/contracts';
import { factEventId, OutboxWriter } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { KnowledgeConfig } from '../config';
import { SearchService } from '../search/search.service';
import { TicketSuggestion } from './ticket-suggestion.entity';
import type { TicketText } from './ticket-text';

/** The publisher part of the ids of `suggested` facts. */
const SOURCE = 'itsm/knowledge';
/** Advisory locks of tickets' suggestions live in their own namespace (first key of the two-key lock). */
const LOCK_NAMESPACE = 'itsm:knowledge:suggestions';

const sameArticles = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * Articles suggested for tickets. The newest version of each ticket seen is kept with the articles suggested for it
 * (`ticket_suggestions`); an older version arriving late, or the same version again, changes nothing. A version
 * whose suggestions differ from the kept ones (other articles, or another order) announces `knowledge.suggested`
 * with an id made from the ticket and its version, so however often that version is worked out again, it is one
 * fact. Agents see the suggestions on the ticket: internal articles count as well as public ones.
 */
@Injectable()
export class SuggestionsService {
  private readonly count: number;

  constructor(
    private readonly search: SearchService,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: KnowledgeConfig,
  ) {
    // The suggested event names at most five articles, whatever the setting.
    this.count = Math.min(config.KNOWLEDGE_SUGGESTION_COUNT, MAX_SUGGESTIONS);
  }

  /** Suggests articles for one version of a ticket, in the transaction of the event's inbox row. */
  async suggestForTicket(manager: EntityManager, ticket: TicketText): Promise<ArticleSuggestion[] | null> {
    // Two versions of one ticket handled at once (two replicas after a takeover) are kept one after the other.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [LOCK_NAMESPACE, ticket.ticketId]);
    const kept = await manager.findOneBy(TicketSuggestion, { ticketId: ticket.ticketId });
    if (kept && kept.ticketVersion >= ticket.ticketVersion) return null;
    const found = ticket.text === '' ? [] : await this.search.suggestFor(ticket.text, { limit: this.count, category: ticket.category, ciIds: ticket.ciIds, internal: true }, manager);
    const articles: ArticleSuggestion[] = found.map(({ id, number, title, score }) => ({ id, number, title, score }));
    const articleIds = articles.map((article) => article.id);
    await manager.upsert(
      TicketSuggestion,
      { ticketId: ticket.ticketId, ticketType: ticket.ticketType, ticketVersion: ticket.ticketVersion, articleIds, updatedAt: new Date() },
      ['ticketId'],
    );
    if (sameArticles(kept?.articleIds ?? [], articleIds)) return null;
    await this.outbox.publish(
      manager,
      KnowledgeEvents.suggested,
      { ticketType: ticket.ticketType, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber, ticketVersion: ticket.ticketVersion, articles },
      { subject: ticket.ticketId, id: factEventId(SOURCE, ticket.ticketId, 'suggested', ticket.ticketVersion) },
    );
    return articles;
  }
}

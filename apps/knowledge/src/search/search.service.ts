import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type Actor,
  ArticleAudience,
  type ArticleHitPage,
  type ArticleSuggestion,
  DEFAULT_SEARCH_HITS,
  KnowledgeError,
  KnowledgeErrorCode,
  MAX_SUGGESTIONS,
  type SearchArticlesRequest,
} from '@itsm/contracts';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { KnowledgeConfig } from '../config';
import { isAgent } from '../domain/access';
import { SearchRepository } from './search.repository';

/** What {@link SearchService.suggestFor} matches a text against, besides its words. */
export interface SuggestOptions {
  /** Most articles returned. */
  limit: number;
  /** Who reads them: `public` (requesters) public articles only, `internal` (agents) both. */
  audience?: ArticleAudience;
  /** The same as `audience: internal` (a ticket's suggestions are for the agents working it). */
  internal?: boolean;
  /** Articles filed under one of these categories (compared lower-case) rank higher. */
  categories?: readonly string[];
  /** A ticket's single category: the same as `categories: [category]`. */
  category?: string | null;
  /** Articles about one of these CIs are suggested even without a word in common, and rank higher. */
  ciIds?: readonly string[];
}

/** The audience a caller reads: agents every published article, anyone else the public ones. */
export const audienceOf = (actor: Actor): ArticleAudience => (isAgent(actor) ? ArticleAudience.Internal : ArticleAudience.Public);

/** Ranked search and text suggestions over the published articles a reader may see. */
@Injectable()
export class SearchService {
  private readonly suggestionCount: number;

  constructor(
    private readonly repository: SearchRepository,
    @Inject(SERVICE_CONFIG) config: KnowledgeConfig,
  ) {
    this.suggestionCount = Math.min(config.KNOWLEDGE_SUGGESTION_COUNT, MAX_SUGGESTIONS);
  }

  /** `q` in web-search syntax (see search-query.ts); a blank one is refused naming `q`. */
  search(request: SearchArticlesRequest, actor: Actor): Promise<ArticleHitPage> {
    if (request.q.trim() === '') {
      throw new KnowledgeError(KnowledgeErrorCode.QueryRequired, 'q must contain a word to search for', { errors: [{ field: 'q', message: 'must not be blank' }] });
    }
    return this.repository.search(
      request.q,
      { audience: audienceOf(actor), ...(request.category !== undefined ? { category: request.category } : {}), ...(request.tag !== undefined ? { tag: request.tag } : {}), ...(request.serviceId !== undefined ? { serviceId: request.serviceId } : {}) },
      { limit: request.limit ?? DEFAULT_SEARCH_HITS, ...(request.cursor !== undefined ? { cursor: request.cursor } : {}) },
    );
  }

  /**
   * The articles best matching a text (a ticket's title and description): the suggestions of `GET /v1/knowledge/suggest`
   * and of tickets. `within`: read in that transaction (a ticket's event's) instead of one of its own.
   */
  suggestFor(text: string, options: SuggestOptions, within?: EntityManager): Promise<ArticleSuggestion[]> {
    const audience = options.internal ? ArticleAudience.Internal : (options.audience ?? ArticleAudience.Public);
    const categories = [...(options.categories ?? []), ...(options.category ? [options.category] : [])];
    return this.repository.suggest(text, { audience, limit: options.limit, categories, ciIds: options.ciIds ?? [] }, within);
  }

  /** Suggestions for a caller's text: as many as KNOWLEDGE_SUGGESTION_COUNT says (at most five), requesters public articles only. */
  suggestForCaller(text: string, actor: Actor): Promise<ArticleSuggestion[]> {
    return this.suggestFor(text, { audience: audienceOf(actor), limit: this.suggestionCount });
  }
}

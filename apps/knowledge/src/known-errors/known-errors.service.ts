import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ArticleState, type KnownErrorView } from '@itsm/contracts';
import { SYSTEM_ACTOR } from '@itsm/messaging';
import { Article } from '../articles/article.entity';
import { ArticleWriter } from '../articles/article.writer';
import { ArticlesService } from '../articles/articles.service';
import { articleFromKnownError, KNOWN_ERROR_RETIRED_REASON } from './known-error-article';

/**
 * Articles made from known errors: one per known error (the unique index on `known_error_id` stands behind the
 * check), written as a draft in review owned by whoever published the known error, and flagged when the known
 * error is retired.
 */
@Injectable()
export class KnownErrorsService {
  constructor(
    private readonly articles: ArticlesService,
    private readonly writer: ArticleWriter,
  ) {}

  /** Drafts the article of a newly published known error, in the transaction of the event's inbox row; a known error that has one already changes nothing. */
  async draftFrom(manager: EntityManager, knownError: KnownErrorView): Promise<void> {
    const existing = await manager.findOneBy(Article, { knownErrorId: knownError.id });
    if (existing) return;
    const draft = articleFromKnownError(knownError);
    await this.articles.createWithin(manager, draft, { authorId: draft.ownerId, submit: true });
  }

  /**
   * Flags the article of a retired known error for its owner to review (`flagged`, reason `known error retired`);
   * an article already flagged so, retired, or never made changes nothing.
   */
  async flagRetired(manager: EntityManager, knownError: KnownErrorView): Promise<void> {
    const existing = await manager.findOneBy(Article, { knownErrorId: knownError.id });
    if (!existing) return;
    const article = await this.writer.lock(manager, existing.id);
    if (article.state === ArticleState.Retired || (article.flagged && article.flagReason === KNOWN_ERROR_RETIRED_REASON)) return;
    const before = this.writer.toView(article);
    article.flagged = true;
    article.flagReason = KNOWN_ERROR_RETIRED_REASON;
    await this.writer.save(manager, article, before, {
      actorId: SYSTEM_ACTOR,
      action: 'flagged',
      auditAfter: (after) => ({ ...after, knownError: { id: knownError.id, number: knownError.number, retireReason: knownError.retireReason } }),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type ArticleFeedbackView,
  type ArticleLinkView,
  ArticleState,
  type FeedbackRequest,
  KnowledgeError,
  KnowledgeErrorCode,
  KnowledgeEvents,
  type LinkArticleRequest,
} from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { ArticleVersion } from '../articles/article-version.entity';
import { Article } from '../articles/article.entity';
import { type ArticleRecord, ArticleWriter } from '../articles/article.writer';
import { articleNotFound, mayReadVersion } from '../domain/access';
import { ArticleFeedback } from './article-feedback.entity';
import { ArticleLink } from './article-link.entity';

interface CountRow {
  helpful_count: number;
  not_helpful_count: number;
}

/**
 * Readers' votes and agents' links. Both change the article's counters only (never its version: a vote does not
 * make an editor's `If-Match` stale), under the article's row lock so that counters and rows stay in step.
 */
@Injectable()
export class FeedbackService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ArticleWriter,
  ) {}

  /**
   * One vote per user per published content version: a second one replaces the first (the counters move from one
   * side to the other when it changed its mind). Announces `feedback_received` each time.
   */
  async feedback(request: FeedbackRequest, actor: Actor): Promise<ArticleFeedbackView> {
    return this.dataSource.transaction(async (manager) => {
      const article = await this.lockPublished(manager, request.id, actor);
      const articleVersion = article.publishedVersion as number;
      const key = { articleId: article.id, articleVersion, userId: actor.sub };
      const earlier = await manager.findOne(ArticleFeedback, { where: key });
      const comment = request.comment ?? null;
      const at = new Date();
      await manager.upsert(ArticleFeedback, { ...key, helpful: request.helpful, comment, at }, ['articleId', 'articleVersion', 'userId']);
      const helpfulDelta = (request.helpful ? 1 : 0) - (earlier?.helpful === true ? 1 : 0);
      const notHelpfulDelta = (request.helpful ? 0 : 1) - (earlier?.helpful === false ? 1 : 0);
      const [counts] = (await manager.query(
        `UPDATE ${manager.connection.getMetadata(Article).tablePath}
         SET helpful_count = helpful_count + $2, not_helpful_count = not_helpful_count + $3
         WHERE id = $1 RETURNING helpful_count, not_helpful_count`,
        [article.id, helpfulDelta, notHelpfulDelta],
      )) as [CountRow[], number];
      const [row] = counts;
      article.helpfulCount = row?.helpful_count ?? article.helpfulCount;
      article.notHelpfulCount = row?.not_helpful_count ?? article.notHelpfulCount;
      const vote = { articleVersion, helpful: request.helpful, comment, replaced: earlier !== null };
      await this.writer.recordOn(manager, article.id, {
        actorId: actor.sub,
        action: 'feedback_received',
        after: vote,
        time: at,
        events: [eventOf(KnowledgeEvents.feedbackReceived, { article: this.writer.toView(article), helpful: request.helpful, comment })],
      });
      return {
        articleId: article.id,
        articleVersion,
        userId: actor.sub,
        helpful: request.helpful,
        comment,
        replaced: earlier !== null,
        helpfulCount: article.helpfulCount,
        notHelpfulCount: article.notHelpfulCount,
        createdAt: at.toISOString(),
      };
    });
  }

  /**
   * Links an article to a ticket it helped with: an `article_links` row, `linkCount` + 1 and `linked_to_ticket`.
   * Linking it to the same ticket again answers the existing link and changes nothing. A retired article takes no
   * new links (409 `KNOWLEDGE_FINAL_STATE`).
   */
  async link(request: LinkArticleRequest, actor: Actor): Promise<ArticleLinkView> {
    return this.dataSource.transaction(async (manager) => {
      const article = await this.lock(manager, request.id);
      const existing = await manager.findOne(ArticleLink, { where: { articleId: article.id, ticketId: request.ticketId } });
      if (existing) return linkViewOf(article, existing);
      if (article.state === ArticleState.Retired) {
        throw new KnowledgeError(KnowledgeErrorCode.FinalState, `article ${article.number} is retired and takes no new links`, { state: article.state });
      }
      const link = manager.create(ArticleLink, { articleId: article.id, ticketId: request.ticketId, ticketType: request.ticketType, linkedById: actor.sub, linkedAt: new Date() });
      await manager.insert(ArticleLink, link);
      const [counts] = (await manager.query(`UPDATE ${manager.connection.getMetadata(Article).tablePath} SET link_count = link_count + 1 WHERE id = $1 RETURNING link_count`, [
        article.id,
      ])) as [Array<{ link_count: number }>, number];
      article.linkCount = counts[0]?.link_count ?? article.linkCount + 1;
      await this.writer.recordOn(manager, article.id, {
        actorId: actor.sub,
        action: 'linked_to_ticket',
        after: { ticketType: request.ticketType, ticketId: request.ticketId, linkCount: article.linkCount },
        time: link.linkedAt,
        events: [eventOf(KnowledgeEvents.linkedToTicket, { article: this.writer.toView(article), ticketType: request.ticketType, ticketId: request.ticketId })],
      });
      return linkViewOf(article, link);
    });
  }

  private lock(manager: EntityManager, id: string): Promise<ArticleRecord> {
    return this.writer.lock(manager, id);
  }

  /** The article locked, if it has a published version the caller may see (else 404, as for one that does not exist). */
  private async lockPublished(manager: EntityManager, id: string, actor: Actor): Promise<ArticleRecord> {
    const article = await this.lock(manager, id);
    if (article.state !== ArticleState.Published || article.publishedVersion === null) throw articleNotFound(id);
    const published = await manager.findOne(ArticleVersion, { where: { articleId: article.id, number: article.publishedVersion } });
    if (!published || !mayReadVersion(actor, published)) throw articleNotFound(id);
    return article;
  }
}

function linkViewOf(article: Article, link: ArticleLink): ArticleLinkView {
  return {
    articleId: article.id,
    articleNumber: article.number,
    ticketType: link.ticketType,
    ticketId: link.ticketId,
    linkedBy: link.linkedById,
    linkedAt: new Date(link.linkedAt).toISOString(),
    linkCount: article.linkCount,
  };
}

import { Injectable } from '@nestjs/common';
import type { EntityManager, EntityTarget } from 'typeorm';
import type { ArticleView, KnowledgeError } from '@itsm/contracts';
import { type EventSpec, RecordWriter } from '@itsm/messaging';
import { articleNotFound } from '../domain/access';
import { ArticleVersion } from './article-version.entity';
import { toArticleView } from './article-view';
import { Article } from './article.entity';

/**
 * An article with its newest content version: what its view, audit rows and events show. `content` is not a
 * column; the writer loads it with the row and writes only the article's own columns.
 */
export type ArticleRecord = Article & { content: ArticleVersion };

/**
 * Every change of an article record is written here: row lock, `If-Match`, version bump, audit row and events, all
 * in the caller's transaction. The caller writes the content version rows it changes itself (before saving, so the
 * view announced is the content as written) and keeps `content` the newest version.
 */
@Injectable()
export class ArticleWriter extends RecordWriter<ArticleRecord, ArticleView> {
  protected readonly entity = Article as EntityTarget<ArticleRecord>;
  protected readonly entityType = 'article';

  toView(article: ArticleRecord): ArticleView {
    return toArticleView(article, article.content);
  }

  protected label(article: ArticleRecord): string {
    return `article ${article.number}`;
  }

  protected notFound(id: string): KnowledgeError {
    return articleNotFound(id);
  }

  /**
   * The article, locked until the transaction ends, with its newest content version. `visible` and `authorize` see
   * the record before its content is loaded.
   */
  override async lock(
    manager: EntityManager,
    id: string,
    options: { expectedVersion?: number | undefined; visible?: (row: ArticleRecord) => boolean; authorize?: (row: ArticleRecord) => void } = {},
  ): Promise<ArticleRecord> {
    const article = await super.lock(manager, id, options);
    const content = await manager.findOneBy(ArticleVersion, { articleId: article.id, number: article.latestVersion });
    if (!content) throw new Error(`article ${article.number} has no version ${article.latestVersion}`);
    article.content = content;
    return article;
  }

  /** An entry in an article's history for something that happened to it without changing its row: the audit row, and its events, if any. */
  async recordOn(manager: EntityManager, articleId: string, entry: { actorId: string; action: string; after: object; time?: Date; events?: EventSpec[] }): Promise<void> {
    await this.outbox.record(manager, {
      subject: articleId,
      ...(entry.time ? { time: entry.time } : {}),
      audit: { entityType: this.entityType, entityId: articleId, action: entry.action, actorId: entry.actorId, before: null, after: entry.after },
      events: entry.events ?? [],
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ArticleAudience,
  ArticleLanguage,
  ArticleState,
  type ArticleView,
  type CreateArticleDto,
  type CreateArticleRequest,
  KnowledgeError,
  KnowledgeErrorCode,
  KnowledgeEvents,
  MAX_ARTICLE_BODY,
  type TransitionArticleRequest,
  type UpdateArticleRequest,
} from '@itsm/contracts';
import { type EventSpec, eventOf } from '@itsm/messaging';
import { claimIdempotencyKey, nextHumanNumber } from '@itsm/persistence';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { KnowledgeConfig } from '../config';
import { articleNotFound, mayReadVersion, readableVersion } from '../domain/access';
import { checkTransition, editPlan, finalStateError, transitionRefusalError } from '../domain/article-lifecycle';
import { renderMarkdown } from '../domain/render';
import { normalizeTags } from '../domain/tags';
import { ArticleVersion } from './article-version.entity';
import { shownState, toArticleView, VersionState } from './article-view';
import { type ArticleRecord, ArticleWriter } from './article.writer';
import { Article } from './article.entity';

/** A new article as written by hand or made from a known error: the fields of the create body, and where it came from. */
export interface NewArticle extends CreateArticleDto {
  problemId?: string | null;
  knownErrorId?: string | null;
}

/** What an article a caller may read is made of: the record and the content version they read. */
export interface ReadableArticle {
  article: Article;
  version: ArticleVersion;
}

/** Fields of a content version an edit may change. */
type ContentField = 'title' | 'body' | 'summary' | 'category' | 'tags' | 'serviceIds' | 'ciIds' | 'audience' | 'language';
type ContentChanges = Partial<Pick<ArticleVersion, ContentField>>;

const unique = (ids: readonly string[]): string[] => [...new Set(ids.map((id) => id.toLowerCase()))];
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((value, index) => value === b[index]);
const instant = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

/** 422 `KNOWLEDGE_BODY_TOO_LARGE` for a Markdown body of more than {@link MAX_ARTICLE_BODY} characters. */
export function assertBodySize(body: string): void {
  // Counted in characters (code points), as the limit is documented; the cheap UTF-16 length is an upper bound.
  if (body.length <= MAX_ARTICLE_BODY) return;
  const length = [...body].length;
  if (length <= MAX_ARTICLE_BODY) return;
  throw new KnowledgeError(KnowledgeErrorCode.BodyTooLarge, `the body has ${length} characters; at most ${MAX_ARTICLE_BODY} are allowed`, {
    field: 'body',
    maxLength: MAX_ARTICLE_BODY,
    length,
    errors: [{ field: 'body', message: `must be at most ${MAX_ARTICLE_BODY} characters` }],
  });
}

/** Writing, reading, changing and moving articles through their review. */
@Injectable()
export class ArticlesService {
  private readonly reviewerGroup: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ArticleWriter,
    @Inject(SERVICE_CONFIG) config: KnowledgeConfig,
  ) {
    this.reviewerGroup = config.KNOWLEDGE_REVIEWER_GROUP;
  }

  /**
   * Writes a new article in draft, content version 1, the caller its author. The article, its version, its audit
   * row and `created` commit together; a retry with the same `Idempotency-Key` answers the first article.
   */
  async create(input: CreateArticleRequest, actor: Actor): Promise<ArticleView> {
    const { idempotencyKey, ...request } = input;
    assertBodySize(request.body);
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'article.create', actorId: actor.sub, key: idempotencyKey, request, resourceId: id });
        if (earlier) return this.agentView(manager, earlier);
      }
      return this.createWithin(manager, request, { id, authorId: actor.sub });
    });
  }

  /**
   * Writes a new article inside the caller's transaction: the record (KB number, owner the author unless given), its
   * first content version (body rendered and stored), the audit row and `created`. With `submit`, the article goes
   * straight to review (`in_review`, announced with `submitted` too), as one made from a known error does.
   */
  async createWithin(manager: EntityManager, input: NewArticle, options: { authorId: string; id?: string; submit?: boolean; now?: Date }): Promise<ArticleView> {
    assertBodySize(input.body);
    const now = options.now ?? new Date();
    const id = options.id ?? randomUUID();
    const state = options.submit ? ArticleState.InReview : ArticleState.Draft;
    const content = manager.create(ArticleVersion, {
      articleId: id,
      number: 1,
      state,
      title: input.title,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
      summary: input.summary ?? '',
      category: input.category ?? '',
      tags: normalizeTags(input.tags ?? []),
      serviceIds: unique(input.serviceIds ?? []),
      ciIds: unique(input.ciIds ?? []),
      audience: input.audience ?? ArticleAudience.Internal,
      language: input.language ?? ArticleLanguage.English,
      authorId: options.authorId,
      reviewedById: null,
      reviewComment: null,
      submittedAt: options.submit ? now : null,
      publishedAt: null,
      createdAt: now,
    });
    await manager.insert(ArticleVersion, content);
    const article = manager.create(Article, {
      id,
      number: await nextHumanNumber(manager, 'knowledge', 'article_number_seq', 'KB'),
      state,
      ownerId: input.ownerId ?? options.authorId,
      latestVersion: 1,
      publishedVersion: null,
      reviewBy: instant(input.reviewBy),
      problemId: input.problemId ?? null,
      knownErrorId: input.knownErrorId ?? null,
      flagged: false,
      flagReason: null,
      helpfulCount: 0,
      notHelpfulCount: 0,
      viewCount: 0,
      linkCount: 0,
      publishedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    }) as ArticleRecord;
    article.content = content;
    return this.writer.insert(manager, article, {
      actorId: options.authorId,
      time: now,
      events: (created) => [eventOf(KnowledgeEvents.created, { article: created }), ...(options.submit ? [eventOf(KnowledgeEvents.submitted, { article: created })] : [])],
    });
  }

  /**
   * The article and the content version `actor` may read (agents the newest, anyone else the published version of
   * a published public article); one they may not read is not found, exactly like one that does not exist.
   */
  async readable(id: string, actor: Actor, manager: EntityManager = this.dataSource.manager): Promise<ReadableArticle> {
    const article = await manager.findOneBy(Article, { id });
    if (!article) throw articleNotFound(id);
    const number = readableVersion(actor, article);
    if (number === null) throw articleNotFound(id);
    const version = await manager.findOneBy(ArticleVersion, { articleId: id, number });
    if (!version || !mayReadVersion(actor, version)) throw articleNotFound(id);
    return { article, version };
  }

  /**
   * One article as `actor` reads it. A read by someone other than the author of the version read counts as a view:
   * the counter moves by a plain update, not as a change of the record (no new version, no audit row).
   */
  async get(id: string, actor: Actor): Promise<ArticleView> {
    const { article, version } = await this.readable(id, actor);
    if (actor.sub !== version.authorId) {
      const [rows] = (await this.dataSource.query(`UPDATE knowledge.articles SET view_count = view_count + 1 WHERE id = $1 RETURNING view_count`, [id])) as [Array<{ view_count: number }>, number];
      article.viewCount = rows[0]?.view_count ?? article.viewCount + 1;
    }
    return toArticleView(article, version);
  }

  /**
   * Changes an article. Content (title, body, summary, tags …) of a draft is edited in place (one in review goes
   * back to draft: the reviewer approves the text they read); of a published article it becomes a new draft version
   * (`articleVersion` + 1) while readers keep the published one. Owner and review date are the record's own. A
   * retired article is final (409); a request that changes nothing answers the article as it is.
   */
  async update(request: UpdateArticleRequest, actor: Actor): Promise<ArticleView> {
    const changes = request.changes;
    if (changes.body !== undefined) assertBodySize(changes.body);
    return this.dataSource.transaction(async (manager) => {
      const article = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      if (article.state === ArticleState.Retired) throw finalStateError(article);
      const before = this.writer.toView(article);
      const content = contentChanges(article.content, changes);
      const ownerId = changes.ownerId !== undefined && changes.ownerId !== article.ownerId ? changes.ownerId : undefined;
      const reviewBy = changes.reviewBy === undefined ? undefined : instant(changes.reviewBy);
      const reviewByChanged = reviewBy !== undefined && (reviewBy?.getTime() ?? null) !== (article.reviewBy?.getTime() ?? null);
      if (Object.keys(content).length === 0 && ownerId === undefined && !reviewByChanged) return before;

      if (Object.keys(content).length > 0) await this.editContent(manager, article, content, actor);
      if (ownerId !== undefined) article.ownerId = ownerId;
      if (reviewByChanged) article.reviewBy = reviewBy ?? null;
      return this.writer.save(manager, article, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  /**
   * Submits, approves (publishes), sends back or retires an article; who may is `checkTransition`'s (reviewers other
   * than the author approve and send back, managers retire). A move acts on the newest content version, retiring on
   * the article. Publishing makes the version the one readers see and supersedes the one they saw; retiring retires
   * every version.
   */
  async transition(request: TransitionArticleRequest, actor: Actor): Promise<ArticleView> {
    const input = request.transition;
    return this.dataSource.transaction(async (manager) => {
      const article = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const content = article.content;
      const acting = input.to === ArticleState.Retired ? article.state : shownState(content.state);
      const check = checkTransition({ state: acting, authorId: content.authorId }, { to: input.to, comment: input.comment ?? null }, actor, this.reviewerGroup);
      if (!check.ok) throw transitionRefusalError(check.refusal);
      const { move, reviewerId, comment } = check.changes;
      const before = this.writer.toView(article);
      const now = new Date();
      const key = { articleId: article.id, number: content.number };
      let events: (after: ArticleView) => EventSpec[] = () => [];
      switch (move) {
        case 'submitted':
          Object.assign(content, { state: VersionState.InReview, submittedAt: now });
          await manager.update(ArticleVersion, key, { state: content.state, submittedAt: now });
          article.state = article.publishedVersion === null ? ArticleState.InReview : ArticleState.Published;
          events = (after) => [eventOf(KnowledgeEvents.submitted, { article: after })];
          break;
        case 'published':
          if (article.publishedVersion !== null && article.publishedVersion !== content.number) {
            await manager.update(ArticleVersion, { articleId: article.id, number: article.publishedVersion }, { state: VersionState.Superseded });
          }
          Object.assign(content, { state: VersionState.Published, publishedAt: now, reviewedById: reviewerId, reviewComment: comment });
          await manager.update(ArticleVersion, key, { state: content.state, publishedAt: now, reviewedById: reviewerId, reviewComment: comment });
          Object.assign(article, { state: ArticleState.Published, publishedVersion: content.number, publishedAt: now });
          events = (after) => [eventOf(KnowledgeEvents.published, { article: after, articleVersion: content.number })];
          break;
        case 'sent_back':
          Object.assign(content, { state: VersionState.Draft, reviewedById: reviewerId, reviewComment: comment });
          await manager.update(ArticleVersion, key, { state: content.state, reviewedById: reviewerId, reviewComment: comment });
          article.state = article.publishedVersion === null ? ArticleState.Draft : ArticleState.Published;
          break;
        case 'retired':
          await manager.update(ArticleVersion, { articleId: article.id }, { state: VersionState.Retired });
          content.state = VersionState.Retired;
          article.state = ArticleState.Retired;
          events = (after) => [eventOf(KnowledgeEvents.retired, { article: after })];
          break;
      }
      return this.writer.save(manager, article, before, {
        actorId: actor.sub,
        action: move,
        time: now,
        auditAfter: (after) => (comment ? { ...after, comment } : after),
        events,
      });
    });
  }

  /** Applies content changes to the newest version in place, or as a new draft version of a published article. */
  private async editContent(manager: EntityManager, article: ArticleRecord, changes: ContentChanges, actor: Actor): Promise<void> {
    const current = article.content;
    const plan = editPlan(shownState(current.state));
    if (plan === 'refused') throw finalStateError(article);
    const bodyHtml = changes.body !== undefined ? renderMarkdown(changes.body) : current.bodyHtml;
    if (plan === 'in_place') {
      const fields = { ...changes, bodyHtml, state: VersionState.Draft, submittedAt: null };
      Object.assign(current, fields);
      await manager.update(ArticleVersion, { articleId: article.id, number: current.number }, fields);
    } else {
      const next = manager.create(ArticleVersion, {
        articleId: article.id,
        number: article.latestVersion + 1,
        state: VersionState.Draft,
        title: current.title,
        body: current.body,
        summary: current.summary,
        category: current.category,
        tags: current.tags,
        serviceIds: current.serviceIds,
        ciIds: current.ciIds,
        audience: current.audience,
        language: current.language,
        ...changes,
        bodyHtml,
        authorId: actor.sub,
        reviewedById: null,
        reviewComment: null,
        submittedAt: null,
        publishedAt: null,
        createdAt: new Date(),
      });
      await manager.insert(ArticleVersion, next);
      article.latestVersion = next.number;
      article.content = next;
    }
    article.state = article.publishedVersion === null ? ArticleState.Draft : ArticleState.Published;
  }

  /** The article as agents and events see it (its newest content version). */
  private async agentView(manager: EntityManager, id: string): Promise<ArticleView> {
    const article = await manager.findOneBy(Article, { id });
    const content = article ? await manager.findOneBy(ArticleVersion, { articleId: id, number: article.latestVersion }) : null;
    if (!article || !content) throw articleNotFound(id);
    return toArticleView(article, content);
  }
}

/** The content fields `changes` gives that differ from `version` (tags normalized, ids deduplicated). */
function contentChanges(version: ArticleVersion, changes: UpdateArticleRequest['changes']): ContentChanges {
  const result: ContentChanges = {};
  if (changes.title !== undefined && changes.title !== version.title) result.title = changes.title;
  if (changes.body !== undefined && changes.body !== version.body) result.body = changes.body;
  if (changes.summary !== undefined && changes.summary !== version.summary) result.summary = changes.summary;
  if (changes.category !== undefined && changes.category !== (version.category ?? '')) result.category = changes.category;
  if (changes.audience !== undefined && changes.audience !== version.audience) result.audience = changes.audience;
  if (changes.language !== undefined && changes.language !== version.language) result.language = changes.language;
  if (changes.tags !== undefined) {
    const tags = normalizeTags(changes.tags);
    if (!sameList(tags, version.tags)) result.tags = tags;
  }
  if (changes.serviceIds !== undefined) {
    const ids = unique(changes.serviceIds);
    if (!sameList(ids, version.serviceIds)) result.serviceIds = ids;
  }
  if (changes.ciIds !== undefined) {
    const ids = unique(changes.ciIds);
    if (!sameList(ids, version.ciIds)) result.ciIds = ids;
  }
  return result;
}

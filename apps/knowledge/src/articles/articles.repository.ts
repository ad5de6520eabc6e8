import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { type Actor, ArticleAudience, type ArticleFilters, type ArticlePage, ArticleState, DEFAULT_PAGE_SIZE } from '@itsm/contracts';
import { decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { isAgent } from '../domain/access';
import { normalizeTags } from '../domain/tags';
import { ArticleVersion } from './article-version.entity';
import { toArticleView } from './article-view';
import { Article } from './article.entity';

/** Sort keys: API name → column (of the article `a`, or of the version read `v`); then by id, so pages never overlap. */
const SORT_COLUMNS = { createdAt: 'a.created_at', updatedAt: 'a.updated_at', number: 'a.number', title: 'v.title' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

/** What a sort key's value in a cursor may look like; anything else would fail in SQL. */
const CURSOR_VALUE: Readonly<Record<SortKey, (value: string) => boolean>> = {
  createdAt: isIsoInstant,
  updatedAt: isIsoInstant,
  number: (value) => /^KB\d{7,}$/.test(value),
  title: (value) => value.length <= 200,
};

/**
 * Queries over articles: the list with its filters, sorts and cursor. Each article is listed with the content
 * version its reader reads (agents the newest, requesters the published one of a published public article), and the
 * filters on content (audience, category, tag) and the title sort apply to that version.
 */
@Injectable()
export class ArticlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: ArticleFilters, actor: Actor): Promise<ArticlePage> {
    const sort = filters.sort ?? '-updatedAt';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = SORT_COLUMNS[key];
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(filters, actor);
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(filters.cursor, 3, ([cursorSort, v, i]) => cursorSort === sort && typeof v === 'string' && CURSOR_VALUE[key](v) && isUuid(i));
      const typed = key === 'createdAt' || key === 'updatedAt' ? 'CAST(:after AS timestamptz)' : ':after';
      query.andWhere(`(${column}, a.id) ${descending ? '<' : '>'} (${typed}, :afterId)`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('a.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const versions = await this.versionsRead(page, actor);
    const now = new Date();
    const items = page.flatMap((article) => {
      const version = versions.get(article.id);
      return version ? [toArticleView(article, version, now)] : [];
    });
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }

  private filtered(filters: ArticleFilters, actor: Actor): SelectQueryBuilder<Article> {
    const agent = isAgent(actor);
    const query = this.dataSource
      .getRepository(Article)
      .createQueryBuilder('a')
      .innerJoin(ArticleVersion, 'v', `v.article_id = a.id AND v.number = ${agent ? 'a.latest_version' : 'a.published_version'}`);
    if (!agent) {
      query.andWhere('a.state = :published', { published: ArticleState.Published }).andWhere('v.audience = :public', { public: ArticleAudience.Public });
    }
    if (filters.state?.length) query.andWhere('a.state IN (:...states)', { states: filters.state });
    if (filters.audience) query.andWhere('v.audience = :audience', { audience: filters.audience });
    if (filters.category) query.andWhere('lower(v.category) = lower(:category)', { category: filters.category });
    const [tag] = normalizeTags(filters.tag ? [filters.tag] : []);
    if (tag) query.andWhere('v.tags @> ARRAY[CAST(:tag AS text)]', { tag });
    if (filters.ownerId) query.andWhere('a.owner_id = :owner', { owner: filters.ownerId });
    if (filters.reviewDue !== undefined) query.andWhere(filters.reviewDue ? 'a.review_by < now()' : '(a.review_by IS NULL OR a.review_by >= now())');
    if (filters.flagged !== undefined) query.andWhere('a.flagged = :flagged', { flagged: filters.flagged });
    return query;
  }

  /** The content version each article is listed with, by article id. */
  private async versionsRead(articles: readonly Article[], actor: Actor): Promise<Map<string, ArticleVersion>> {
    if (articles.length === 0) return new Map();
    const agent = isAgent(actor);
    const keys = articles.map((article) => ({ articleId: article.id, number: (agent ? article.latestVersion : article.publishedVersion) ?? 0 }));
    const versions = await this.dataSource.getRepository(ArticleVersion).find({ where: keys });
    const wanted = new Map(keys.map((k) => [k.articleId, k.number]));
    return new Map(versions.filter((version) => wanted.get(version.articleId) === version.number).map((version) => [version.articleId, version]));
  }
}

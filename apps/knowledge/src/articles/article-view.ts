import { ArticleState, type ArticleVersionSummary, type ArticleVersionView, type ArticleView } from '@itsm/contracts';
import type { ArticleVersion } from './article-version.entity';
import type { Article } from './article.entity';

/** The states a content version is stored in: the article's, plus `superseded` for a published version a newer one replaced. */
export enum VersionState {
  Draft = 'draft',
  InReview = 'in_review',
  Published = 'published',
  Superseded = 'superseded',
  Retired = 'retired',
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** A version's state as the API shows it: a superseded version reads `retired`. */
export function shownState(state: string): ArticleState {
  return state === VersionState.Superseded ? ArticleState.Retired : (state as ArticleState);
}

/** True when the review-by date has passed at `now`. */
export function isReviewDue(reviewBy: Date | null, now: Date = new Date()): boolean {
  return reviewBy !== null && reviewBy.getTime() < now.getTime();
}

/**
 * The article as a reader sees it: the record (state, counters, published version …) with the content of `version`,
 * the newest version for agents and events, the published one for requesters.
 */
export function toArticleView(article: Article, version: ArticleVersion, now: Date = new Date()): ArticleView {
  return {
    id: article.id,
    number: article.number,
    title: version.title,
    body: version.body,
    bodyHtml: version.bodyHtml,
    summary: version.summary,
    category: version.category ?? '',
    tags: version.tags,
    serviceIds: version.serviceIds,
    ciIds: version.ciIds,
    audience: version.audience,
    language: version.language,
    ownerId: article.ownerId,
    authorId: version.authorId,
    reviewBy: iso(article.reviewBy),
    reviewDue: isReviewDue(article.reviewBy, now),
    state: article.state,
    version: article.version,
    articleVersion: version.number,
    publishedVersion: article.publishedVersion,
    problemId: article.problemId,
    knownErrorId: article.knownErrorId,
    flagged: article.flagged,
    flagReason: article.flagReason,
    helpfulCount: article.helpfulCount,
    notHelpfulCount: article.notHelpfulCount,
    viewCount: article.viewCount,
    linkCount: article.linkCount,
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    publishedAt: iso(article.publishedAt),
  };
}

export function toVersionSummary(version: ArticleVersion): ArticleVersionSummary {
  return {
    articleId: version.articleId,
    articleVersion: version.number,
    state: shownState(version.state),
    title: version.title,
    authorId: version.authorId,
    createdAt: version.createdAt.toISOString(),
    publishedAt: iso(version.publishedAt),
  };
}

export function toVersionView(version: ArticleVersion): ArticleVersionView {
  return {
    ...toVersionSummary(version),
    body: version.body,
    bodyHtml: version.bodyHtml,
    summary: version.summary,
    category: version.category ?? '',
    tags: version.tags,
    language: version.language,
  };
}

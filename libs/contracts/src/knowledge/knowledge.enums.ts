export enum ArticleState {
  Draft = 'draft',
  InReview = 'in_review',
  Published = 'published',
  Retired = 'retired',
}

/** Who may read a published article: requesters too, or agents only. */
export enum ArticleAudience {
  Public = 'public',
  Internal = 'internal',
}

/** The PostgreSQL text search configurations an article may be written in (stemming and stop words). */
export enum ArticleLanguage {
  English = 'english',
  German = 'german',
  French = 'french',
  Spanish = 'spanish',
  Simple = 'simple',
}

export enum DiffOp {
  Equal = 'equal',
  Add = 'add',
  Remove = 'remove',
}

/** The kind of ticket an article is suggested for or linked to. */
export enum KnowledgeTicketType {
  Incident = 'incident',
  Request = 'request',
}

export const ARTICLE_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'number', '-number', 'title', '-title'] as const;
export type ArticleSort = (typeof ARTICLE_SORTS)[number];

import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the knowledge domain refuses: the `reason` of its error replies and problems. */
export enum KnowledgeErrorCode {
  /** No such article, or one the caller may not see (a requester asking for an internal or unpublished one never learns it exists). */
  ArticleNotFound = 'KNOWLEDGE_ARTICLE_NOT_FOUND',
  /** The article has no such content version. */
  VersionNotFound = 'KNOWLEDGE_VERSION_NOT_FOUND',
  /** The state machine has no move from the article's state to the one asked for; `details.allowed` lists the states it has. */
  InvalidTransition = 'KNOWLEDGE_INVALID_TRANSITION',
  /** The author approving their own article. */
  SelfReview = 'KNOWLEDGE_SELF_REVIEW',
  /** An approve or send-back by someone who is neither a manager nor a member of the reviewer group; `details.group` names the group. */
  ReviewerRequired = 'KNOWLEDGE_REVIEWER_REQUIRED',
  /** A retire by someone who is not a manager or an admin (the transition RPC is open to agents). */
  RetireForbidden = 'KNOWLEDGE_RETIRE_FORBIDDEN',
  /** A send-back without `comment`. */
  CommentRequired = 'KNOWLEDGE_COMMENT_REQUIRED',
  /** A Markdown body longer than the limit; `details.maxLength` gives it (200,000 characters). */
  BodyTooLarge = 'KNOWLEDGE_BODY_TOO_LARGE',
  /** The article is retired and cannot be changed. */
  FinalState = 'KNOWLEDGE_FINAL_STATE',
  /** A language without a text search configuration the service supports; `details.allowed` lists them. */
  UnsupportedLanguage = 'KNOWLEDGE_UNSUPPORTED_LANGUAGE',
  /** A search whose `q` is blank. */
  QueryRequired = 'KNOWLEDGE_QUERY_REQUIRED',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const KNOWLEDGE_ERROR_KINDS: ErrorKinds<KnowledgeErrorCode> = {
  [KnowledgeErrorCode.ArticleNotFound]: ErrorCode.NOT_FOUND,
  [KnowledgeErrorCode.VersionNotFound]: ErrorCode.NOT_FOUND,
  [KnowledgeErrorCode.InvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [KnowledgeErrorCode.SelfReview]: ErrorCode.FORBIDDEN,
  [KnowledgeErrorCode.ReviewerRequired]: ErrorCode.FORBIDDEN,
  [KnowledgeErrorCode.RetireForbidden]: ErrorCode.FORBIDDEN,
  [KnowledgeErrorCode.CommentRequired]: ErrorCode.UNPROCESSABLE,
  [KnowledgeErrorCode.BodyTooLarge]: ErrorCode.UNPROCESSABLE,
  [KnowledgeErrorCode.FinalState]: ErrorCode.CONFLICT,
  [KnowledgeErrorCode.UnsupportedLanguage]: ErrorCode.UNPROCESSABLE,
  [KnowledgeErrorCode.QueryRequired]: ErrorCode.VALIDATION,
};

export class KnowledgeError extends errorOfCodes(KNOWLEDGE_ERROR_KINDS) {}

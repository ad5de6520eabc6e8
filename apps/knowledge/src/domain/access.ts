import { type Actor, ArticleAudience, ArticleState, KnowledgeError, KnowledgeErrorCode, RoleSets } from '@itsm/contracts';

/**
 * Who may read which articles. Who may call an operation at all is the `roles` of its RPC declaration; the rules
 * here are the finer ones. Agents (with managers and admins) read every article in every state, its newest content
 * version; everyone else reads published public articles only, and only the published version of them. An article
 * a caller may not read answers exactly as one that does not exist.
 */

/** Agents, managers and admins write, review and read every article. */
export const isAgent = (actor: Pick<Actor, 'roles'>): boolean => RoleSets.agents.some((role) => actor.roles.includes(role));

/** Managers (and admins) retire articles. */
export const isManager = (actor: Pick<Actor, 'roles'>): boolean => RoleSets.managers.some((role) => actor.roles.includes(role));

/** What visibility reads of an article record. */
export interface ArticleVisibility {
  state: ArticleState;
  latestVersion: number;
  publishedVersion: number | null;
}

/**
 * The content version `actor` reads of `article`: agents the newest one, anyone else the published one while the
 * article is published; null when there is none they may read.
 */
export function readableVersion(actor: Pick<Actor, 'roles'>, article: ArticleVisibility): number | null {
  if (isAgent(actor)) return article.latestVersion;
  return article.state === ArticleState.Published ? article.publishedVersion : null;
}

/** Whether `actor` may read a content version: agents any, anyone else a published public one. */
export function mayReadVersion(actor: Pick<Actor, 'roles'>, version: { state: string; audience: ArticleAudience }): boolean {
  return isAgent(actor) || (version.state === ArticleState.Published && version.audience === ArticleAudience.Public);
}

/** No such article, or one the caller may not read. */
export function articleNotFound(id: string): KnowledgeError {
  return new KnowledgeError(KnowledgeErrorCode.ArticleNotFound, `article ${id} not found`);
}

/** The article has no content version `number`. */
export function versionNotFound(id: string, number: number): KnowledgeError {
  return new KnowledgeError(KnowledgeErrorCode.VersionNotFound, `article ${id} has no version ${number}`, { articleVersion: number });
}

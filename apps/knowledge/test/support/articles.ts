import { type Actor, ArticleState, type ArticleView, type CreateArticleDto, KnowledgeRpc, Role, type TransitionArticleDto, type UpdateArticleDto } from '@itsm/contracts';
import { maria, sam } from '@itsm/testing';
import type { KnowledgeHarness } from './knowledge-harness';

/** An agent in the reviewer group (KNOWLEDGE_REVIEWER_GROUP's default): reviews articles without being a manager. */
export const rita: Actor = { sub: 'rita', name: 'Rita Reviewer', roles: [Role.Agent], groups: ['knowledge-reviewers'] };

/** Writes an article (as sam by default) with the fields a test does not care about filled in. */
export function write(h: KnowledgeHarness, overrides: Partial<CreateArticleDto> = {}, actor: Actor = sam): Promise<ArticleView> {
  return h.rpc.call(KnowledgeRpc.create, { title: 'Reset a forgotten VPN password', body: '## Steps\n\n1. Open the reset page.\n2. Enter your user name.\n', ...overrides }, { actor });
}

export function move(h: KnowledgeHarness, id: string, transition: TransitionArticleDto, actor: Actor, expectedVersion?: number): Promise<ArticleView> {
  return h.rpc.call(KnowledgeRpc.transition, { id, transition, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor });
}

export function edit(h: KnowledgeHarness, id: string, changes: UpdateArticleDto, actor: Actor = sam, expectedVersion?: number): Promise<ArticleView> {
  return h.rpc.call(KnowledgeRpc.update, { id, changes, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor });
}

/** Submits the article's newest version (as its author, sam) and has a manager approve it. */
export async function publish(h: KnowledgeHarness, id: string): Promise<ArticleView> {
  await move(h, id, { to: ArticleState.InReview }, sam);
  return move(h, id, { to: ArticleState.Published }, maria);
}

/** An article written by sam and published by maria. */
export async function published(h: KnowledgeHarness, overrides: Partial<CreateArticleDto> = {}): Promise<ArticleView> {
  const article = await write(h, overrides);
  return publish(h, article.id);
}

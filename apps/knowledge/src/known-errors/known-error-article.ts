import { ArticleAudience, ArticleLanguage, type KnownErrorView, MAX_ARTICLE_CATEGORY, MAX_ARTICLE_REFS } from '@itsm/contracts';
import type { NewArticle } from '../articles/articles.service';

/** The reason an article made from a known error is flagged when the known error is retired. */
export const KNOWN_ERROR_RETIRED_REASON = 'known error retired';

/** What an article made from a known error says, before it is written as a draft in review. */
export type KnownErrorArticleDraft = NewArticle & { ownerId: string; problemId: string; knownErrorId: string };

/** Text of a section as written, or a note that the known error left it empty (a heading alone reads as a mistake). */
const section = (heading: string, text: string): string => `## ${heading}\n\n${text.trim() === '' ? '_Not recorded._' : text.trim()}`;

/**
 * The draft of an article made from a known error: its title, the Markdown sections Symptoms, Root cause and
 * Workaround, and the known error's category and CIs. Known errors are for agents, and so is the article
 * (`internal`) until someone decides to make it public.
 */
export function articleFromKnownError(knownError: KnownErrorView): KnownErrorArticleDraft {
  const body = [
    section('Symptoms', knownError.symptoms),
    section('Root cause', knownError.rootCause),
    section('Workaround', knownError.workaround),
    `_From known error ${knownError.number} of problem ${knownError.problemNumber}._`,
  ].join('\n\n');
  const category = knownError.category.trim().slice(0, MAX_ARTICLE_CATEGORY);
  return {
    ...(category === '' ? {} : { category }),
    title: knownError.title,
    body: `${body}\n`,
    summary: `Known error ${knownError.number}: symptoms, root cause and workaround.`,
    tags: ['known-error'],
    serviceIds: knownError.serviceId ? [knownError.serviceId] : [],
    ciIds: [...new Set(knownError.ciIds)].slice(0, MAX_ARTICLE_REFS),
    audience: ArticleAudience.Internal,
    language: ArticleLanguage.English,
    problemId: knownError.problemId,
    knownErrorId: knownError.id,
    ownerId: knownError.publishedBy,
  };
}

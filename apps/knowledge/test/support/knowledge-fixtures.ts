import { randomUUID } from 'node:crypto';
import { type Actor, ArticleAudience, ArticleState, type ArticleView, type CreateArticleDto, deadLetterSubject, DLQ_STREAM, type EventDeclaration, KnowledgeRpc } from '@itsm/contracts';
import { maria, readStream, sam, testEnvelope, waitFor } from '@itsm/testing';
import type { KnowledgeHarness } from './knowledge-harness';

/** A word no other test uses (letters only, so no stemmer splits it), for texts that must match only what a test wrote. */
export function word(): string {
  // Ten letters of sixteen (a UUID's hex digits, shifted to g–v): two such words share almost no trigram, so the
  // typo tolerance of one search never finds another test's word.
  return Array.from(randomUUID().replace(/-/g, '').slice(0, 10), (c) => String.fromCharCode(103 + parseInt(c, 16))).join('') + 'zq';
}

/** An event as another service's outbox puts it on the stream; returns its id (`id` given: the same event again). */
export async function publishEvent<T>(h: KnowledgeHarness, event: EventDeclaration<string, T>, subject: string, data: T, options: { source: string; id?: string }): Promise<string> {
  const envelope = testEnvelope(event, subject, data, options);
  // No de-duplication header: a re-publication with the same id reaches the consumer, as a redelivery would.
  await h.nc.jetstream().publish(event.subject, JSON.stringify(envelope));
  return envelope.id;
}

/** Resolves once `consumer` has taken every one of the events (their inbox rows commit with what they changed). */
export async function handled(h: KnowledgeHarness, consumer: string, eventIds: readonly string[]): Promise<void> {
  const ids = [...new Set(eventIds)];
  await waitFor(async () => (await h.count(`inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [consumer, ids])) === ids.length, {
    what: `${consumer} to take ${ids.length} event(s)`,
  });
}

export async function noDeadLetters(h: KnowledgeHarness, consumer: string): Promise<void> {
  await expect(readStream(h.nc, DLQ_STREAM, deadLetterSubject(consumer))).resolves.toEqual([]);
}

/** An article written by `author`, submitted and approved by `reviewer`: published, as readers see it. */
export async function publishedArticle(
  h: KnowledgeHarness,
  content: Partial<CreateArticleDto> = {},
  people: { author?: Actor; reviewer?: Actor } = {},
): Promise<ArticleView> {
  const author = people.author ?? sam;
  const reviewer = people.reviewer ?? maria;
  const draft = await h.rpc.call(
    KnowledgeRpc.create,
    { title: 'Reset a forgotten VPN password', body: 'Open the VPN portal and choose **Reset password**.', audience: ArticleAudience.Public, ...content },
    { actor: author },
  );
  await h.rpc.call(KnowledgeRpc.transition, { id: draft.id, transition: { to: ArticleState.InReview } }, { actor: author });
  return h.rpc.call(KnowledgeRpc.transition, { id: draft.id, transition: { to: ArticleState.Published } }, { actor: reviewer });
}

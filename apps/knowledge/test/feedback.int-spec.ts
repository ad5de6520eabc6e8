import { randomUUID } from 'node:crypto';
import {
  type Actor,
  ArticleAudience,
  ArticleState,
  type ArticleView,
  ErrorCode,
  KnowledgeErrorCode,
  KnowledgeEvents,
  KnowledgeRpc,
  KnowledgeTicketType,
} from '@itsm/contracts';
import { alice, bob, maria, sam, tom } from '@itsm/testing';
import { publishedArticle } from './support/knowledge-fixtures';
import { KnowledgeHarness } from './support/knowledge-harness';

describe('feedback and links', () => {
  let h: KnowledgeHarness;

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const vote = (actor: Actor, id: string, helpful: boolean, comment?: string) => h.rpc.call(KnowledgeRpc.feedback, { id, helpful, ...(comment ? { comment } : {}) }, { actor });
  const link = (actor: Actor, id: string, ticketId: string, ticketType = KnowledgeTicketType.Incident) => h.rpc.call(KnowledgeRpc.link, { id, ticketType, ticketId }, { actor });
  const counters = async (id: string) => {
    const row = await h.row('articles', id);
    return { helpful: row['helpful_count'], notHelpful: row['not_helpful_count'], links: row['link_count'], version: row['version'] };
  };

  describe('votes', () => {
    let article: ArticleView;

    beforeAll(async () => {
      article = await publishedArticle(h);
    });

    it('counts one vote per reader per version: a second vote replaces the first and moves the counters with it', async () => {
      await expect(vote(alice, article.id, true)).resolves.toMatchObject({ articleId: article.id, articleVersion: 1, userId: 'alice', helpful: true, replaced: false, helpfulCount: 1, notHelpfulCount: 0 });
      await expect(vote(alice, article.id, false, 'Step 2 is outdated.')).resolves.toMatchObject({
        helpful: false,
        comment: 'Step 2 is outdated.',
        replaced: true,
        helpfulCount: 0,
        notHelpfulCount: 1,
      });
      await expect(vote(bob, article.id, true)).resolves.toMatchObject({ replaced: false, helpfulCount: 1, notHelpfulCount: 1 });

      await expect(h.count('article_feedback WHERE article_id = $1', [article.id])).resolves.toBe(2);
      // A vote moves the counters, not the record's version (an editor's If-Match stays good).
      await expect(counters(article.id)).resolves.toEqual({ helpful: 1, notHelpful: 1, links: 0, version: article.version });
      await expect(h.rpc.call(KnowledgeRpc.get, { id: article.id }, { actor: bob })).resolves.toMatchObject({ helpfulCount: 1, notHelpfulCount: 1 });

      const events = await h.events(KnowledgeEvents.feedbackReceived, article.id, 3);
      expect(events.map((event) => [event.data.helpful, event.data.comment])).toEqual([
        [true, null],
        [false, 'Step 2 is outdated.'],
        [true, null],
      ]);
      expect(events[2]?.data.article).toMatchObject({ id: article.id, helpfulCount: 1, notHelpfulCount: 1 });
    });

    it('counts a vote on a newly published version apart from the votes on the version before', async () => {
      await h.rpc.call(KnowledgeRpc.update, { id: article.id, changes: { body: 'Open the new VPN portal and choose **Reset password**.' } }, { actor: sam });
      await h.rpc.call(KnowledgeRpc.transition, { id: article.id, transition: { to: ArticleState.InReview } }, { actor: sam });
      await h.rpc.call(KnowledgeRpc.transition, { id: article.id, transition: { to: ArticleState.Published } }, { actor: maria });

      await expect(vote(alice, article.id, true)).resolves.toMatchObject({ articleVersion: 2, replaced: false, helpfulCount: 2, notHelpfulCount: 1 });
      await expect(h.count('article_feedback WHERE article_id = $1 AND user_id = $2', [article.id, 'alice'])).resolves.toBe(2);
    });

    it('answers 404 to a requester voting on an internal or unpublished article', async () => {
      const internal = await publishedArticle(h, { audience: ArticleAudience.Internal });
      const draft = await h.rpc.call(KnowledgeRpc.create, { title: 'Draft on printers', body: 'Not yet.', audience: ArticleAudience.Public }, { actor: sam });
      for (const id of [internal.id, draft.id, randomUUID()]) {
        await expect(vote(alice, id, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: KnowledgeErrorCode.ArticleNotFound });
      }
      await expect(vote(tom, internal.id, true)).resolves.toMatchObject({ helpfulCount: 1 });
    });
  });

  describe('links to tickets', () => {
    it('links an article to a ticket once: linking again answers the existing link', async () => {
      const article = await publishedArticle(h);
      const incidentId = randomUUID();
      const first = await link(sam, article.id, incidentId);
      expect(first).toMatchObject({ articleId: article.id, articleNumber: article.number, ticketType: KnowledgeTicketType.Incident, ticketId: incidentId, linkedBy: 'sam', linkCount: 1 });
      await expect(link(tom, article.id, incidentId)).resolves.toEqual(first);

      const requestId = randomUUID();
      await expect(link(tom, article.id, requestId, KnowledgeTicketType.Request)).resolves.toMatchObject({ ticketType: KnowledgeTicketType.Request, linkedBy: 'tom', linkCount: 2 });

      await expect(h.count('article_links WHERE article_id = $1', [article.id])).resolves.toBe(2);
      await expect(counters(article.id)).resolves.toMatchObject({ links: 2, version: article.version });
      const events = await h.eventsNow(KnowledgeEvents.linkedToTicket, article.id);
      expect(events.map((event) => [event.data.ticketId, event.data.article.linkCount])).toEqual([
        [incidentId, 1],
        [requestId, 2],
      ]);
    });

    it('refuses requesters, unknown articles and retired ones', async () => {
      const article = await publishedArticle(h);
      await expect(link(alice, article.id, randomUUID())).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(link(sam, randomUUID(), randomUUID())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: KnowledgeErrorCode.ArticleNotFound });
      await h.rpc.call(KnowledgeRpc.transition, { id: article.id, transition: { to: ArticleState.Retired } }, { actor: maria });
      await expect(link(sam, article.id, randomUUID())).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: KnowledgeErrorCode.FinalState });
    });
  });
});

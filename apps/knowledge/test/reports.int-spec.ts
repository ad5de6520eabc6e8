import { randomUUID } from 'node:crypto';
import { type Actor, ArticleState, type ArticleView, ErrorCode, KnowledgeRpc, KnowledgeTicketType } from '@itsm/contracts';
import { ada, alice, bob, carl, maria, sam, tom } from '@itsm/testing';
import { publishedArticle } from './support/knowledge-fixtures';
import { KnowledgeHarness } from './support/knowledge-harness';

describe('knowledge reports', () => {
  let h: KnowledgeHarness;
  /** 1 of 5 helpful. */
  let unhelpful: ArticleView;
  /** 3 of 5 helpful. */
  let helpful: ArticleView;
  /** 0 of 2 helpful. */
  let fewVotes: ArticleView;
  /** 0 of 5 helpful, then retired. */
  let retired: ArticleView;

  const vote = (actor: Actor, id: string, isHelpful: boolean) => h.rpc.call(KnowledgeRpc.feedback, { id, helpful: isHelpful }, { actor });
  const read = (actor: Actor, id: string) => h.rpc.call(KnowledgeRpc.get, { id }, { actor });

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
    unhelpful = await publishedArticle(h, { title: 'Map a network drive' });
    helpful = await publishedArticle(h, { title: 'Reset a forgotten VPN password' });
    fewVotes = await publishedArticle(h, { title: 'Clear the Teams cache' });
    retired = await publishedArticle(h, { title: 'Install the old fax driver' });
    const voters = [alice, bob, tom, maria, ada];
    for (const [i, voter] of voters.entries()) {
      await vote(voter, unhelpful.id, i === 0);
      await vote(voter, helpful.id, i < 3);
      await vote(voter, retired.id, false);
    }
    await vote(alice, fewVotes.id, false);
    await vote(bob, fewVotes.id, false);
    await h.rpc.call(KnowledgeRpc.transition, { id: retired.id, transition: { to: ArticleState.Retired } }, { actor: maria });

    // Reads by others than the author: the unhelpful one 3 times, the helpful one 2 (and it is linked), the few-votes one once.
    for (const reader of [alice, bob, tom]) await read(reader, unhelpful.id);
    for (const reader of [alice, bob]) await read(reader, helpful.id);
    await read(alice, fewVotes.id);
    await h.rpc.call(KnowledgeRpc.link, { id: helpful.id, ticketType: KnowledgeTicketType.Incident, ticketId: randomUUID() }, { actor: sam });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('lists published articles most readers found unhelpful, with at least minVotes votes, the least helpful first', async () => {
    await expect(h.rpc.call(KnowledgeRpc.lowHelpfulnessReport, { minVotes: 5 }, { actor: sam })).resolves.toEqual({
      minVotes: 5,
      items: [{ articleId: unhelpful.id, number: unhelpful.number, title: 'Map a network drive', ownerId: 'sam', helpfulCount: 1, notHelpfulCount: 4, helpfulness: 0.2 }],
    });
    const report = await h.rpc.call(KnowledgeRpc.lowHelpfulnessReport, { minVotes: 2 }, { actor: sam });
    expect(report.items.map((item) => [item.articleId, item.helpfulness])).toEqual([
      [fewVotes.id, 0],
      [unhelpful.id, 0.2],
    ]);
  });

  it('uses five votes when minVotes is not given', async () => {
    await expect(h.rpc.call(KnowledgeRpc.lowHelpfulnessReport, {}, { actor: maria })).resolves.toMatchObject({ minVotes: 5, items: [{ articleId: unhelpful.id }] });
  });

  it('lists published articles read at least minViews times and never linked, the most read first', async () => {
    await expect(h.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, { minViews: 2 }, { actor: sam })).resolves.toEqual({
      minViews: 2,
      items: [{ articleId: unhelpful.id, number: unhelpful.number, title: 'Map a network drive', ownerId: 'sam', viewCount: 3, publishedAt: unhelpful.publishedAt }],
    });
    const report = await h.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, { minViews: 1, limit: 10 }, { actor: sam });
    expect(report.items.map((item) => [item.articleId, item.viewCount])).toEqual([
      [unhelpful.id, 3],
      [fewVotes.id, 1],
    ]);
    const first = await h.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, { minViews: 1, limit: 1 }, { actor: sam });
    expect(first.items.map((item) => item.articleId)).toEqual([unhelpful.id]);
  });

  it('is for agents only', async () => {
    await expect(h.rpc.call(KnowledgeRpc.lowHelpfulnessReport, {}, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, {}, { actor: carl })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});

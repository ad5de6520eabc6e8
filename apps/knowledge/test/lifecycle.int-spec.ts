/** An article's review and publication over RPC: who may approve, send back and retire, and what each move writes and announces. */
import { ArticleAudience, ArticleState, ErrorCode, KnowledgeErrorCode, KnowledgeEvents, KnowledgeRpc } from '@itsm/contracts';
import { alice, maria, sam, tom } from '@itsm/testing';
import { edit, move, publish, rita, write } from './support/articles';
import { KnowledgeHarness } from './support/knowledge-harness';

const S = ArticleState;

describe('article lifecycle over RPC', () => {
  let h: KnowledgeHarness;

  const versionRow = async (articleId: string, number: number): Promise<Record<string, unknown> | undefined> =>
    (await h.database.query<Record<string, unknown>>(`SELECT * FROM knowledge.article_versions WHERE article_id = $1 AND number = $2`, [articleId, number]))[0];

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('submits a draft for review, stamped on the version and announced with submitted', async () => {
    const article = await write(h);
    const submitted = await move(h, article.id, { to: S.InReview }, sam);
    expect(submitted).toMatchObject({ state: S.InReview, version: article.version + 1, articleVersion: 1, publishedVersion: null });
    await expect(versionRow(article.id, 1)).resolves.toMatchObject({ state: 'in_review', submitted_at: expect.any(Date) });
    const [event] = await h.events(KnowledgeEvents.submitted, article.id);
    expect(event?.data).toEqual({ article: submitted });
  });

  it('refuses the author approving their own version, even a manager, and changes nothing', async () => {
    const article = await write(h, {}, maria);
    const submitted = await move(h, article.id, { to: S.InReview }, maria);
    await expect(move(h, article.id, { to: S.Published }, maria)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: KnowledgeErrorCode.SelfReview });
    await expect(h.row('articles', article.id)).resolves.toMatchObject({ state: 'in_review', version: submitted.version, published_version: null });
  });

  it('refuses an approval by an agent outside the reviewer group, naming the group', async () => {
    const article = await write(h);
    await move(h, article.id, { to: S.InReview }, sam);
    await expect(move(h, article.id, { to: S.Published }, tom)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      reason: KnowledgeErrorCode.ReviewerRequired,
      details: { group: 'knowledge-reviewers' },
    });
    await expect(h.row('articles', article.id)).resolves.toMatchObject({ state: 'in_review', published_version: null });
  });

  it('publishes on approval by an agent of the reviewer group: the version published and announced with its number', async () => {
    const article = await write(h);
    await move(h, article.id, { to: S.InReview }, sam);
    const approved = await move(h, article.id, { to: S.Published, comment: 'Clear and correct.' }, rita);

    expect(approved).toMatchObject({ state: S.Published, articleVersion: 1, publishedVersion: 1, publishedAt: expect.any(String), authorId: 'sam' });
    await expect(h.row('articles', article.id)).resolves.toMatchObject({ state: 'published', published_version: 1, published_at: expect.any(Date) });
    await expect(versionRow(article.id, 1)).resolves.toMatchObject({ state: 'published', reviewed_by_id: 'rita', review_comment: 'Clear and correct.', published_at: expect.any(Date) });
    const [event] = await h.events(KnowledgeEvents.published, article.id);
    expect(event?.data).toEqual({ article: approved, articleVersion: 1 });
    await expect(h.rpc.call(KnowledgeRpc.get, { id: article.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('sends a version back to draft only with a comment, which is kept for its author', async () => {
    const article = await write(h);
    await move(h, article.id, { to: S.InReview }, sam);
    await expect(move(h, article.id, { to: S.Draft }, rita)).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: KnowledgeErrorCode.CommentRequired,
      details: { field: 'comment' },
    });
    await expect(move(h, article.id, { to: S.Draft, comment: 'Step 2 needs the new reset URL.' }, tom)).rejects.toMatchObject({ reason: KnowledgeErrorCode.ReviewerRequired });

    const sentBack = await move(h, article.id, { to: S.Draft, comment: 'Step 2 needs the new reset URL.' }, rita);
    expect(sentBack).toMatchObject({ state: S.Draft, articleVersion: 1 });
    await expect(versionRow(article.id, 1)).resolves.toMatchObject({ state: 'draft', reviewed_by_id: 'rita', review_comment: 'Step 2 needs the new reset URL.' });
    const audit = await h.audit(article.id);
    expect(audit.at(-1)).toMatchObject({ action: 'sent_back', actor_id: 'rita', after: expect.objectContaining({ comment: 'Step 2 needs the new reset URL.' }) });
  });

  it.each([
    [S.Published, [S.InReview]],
    [S.Retired, [S.InReview]],
    [S.Draft, [S.InReview]],
  ] as const)('refuses moving a draft to %s with INVALID_TRANSITION naming %j', async (to, allowed) => {
    const article = await write(h);
    await expect(move(h, article.id, { to, comment: 'why not' }, maria)).rejects.toMatchObject({
      code: ErrorCode.INVALID_TRANSITION,
      reason: KnowledgeErrorCode.InvalidTransition,
      details: { from: S.Draft, to, allowed },
    });
    await expect(h.row('articles', article.id)).resolves.toMatchObject({ state: 'draft', version: article.version });
  });

  it('refuses a stale expected version with PRECONDITION_FAILED', async () => {
    const article = await write(h);
    await edit(h, article.id, { summary: 'Newer' });
    await expect(move(h, article.id, { to: S.InReview }, sam, article.version)).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      details: { currentVersion: article.version + 1, expectedVersion: article.version },
    });
    await expect(versionRow(article.id, 1)).resolves.toMatchObject({ state: 'draft' });
  });

  it('publishing a newer version supersedes the one readers saw, which the versions list shows as retired', async () => {
    const article = await write(h, { audience: ArticleAudience.Public });
    await publish(h, article.id);
    const reworked = await edit(h, article.id, { body: 'Use the new self-service portal.\n' }, tom);
    expect(reworked).toMatchObject({ state: S.Published, articleVersion: 2, publishedVersion: 1, authorId: 'tom' });

    await move(h, article.id, { to: S.InReview }, tom);
    await expect(move(h, article.id, { to: S.Published }, tom)).rejects.toMatchObject({ reason: KnowledgeErrorCode.SelfReview });
    // sam wrote version 1 but not version 2: he is no reviewer, though
    await expect(move(h, article.id, { to: S.Published }, sam)).rejects.toMatchObject({ reason: KnowledgeErrorCode.ReviewerRequired });
    const republished = await move(h, article.id, { to: S.Published }, rita);

    expect(republished).toMatchObject({ state: S.Published, articleVersion: 2, publishedVersion: 2, body: 'Use the new self-service portal.\n' });
    await expect(versionRow(article.id, 1)).resolves.toMatchObject({ state: 'superseded' });
    await expect(versionRow(article.id, 2)).resolves.toMatchObject({ state: 'published', reviewed_by_id: 'rita' });
    const events = await h.events(KnowledgeEvents.published, article.id, 2);
    expect(events.map((e) => e.data.articleVersion)).toEqual([1, 2]);
    const versions = await h.rpc.call(KnowledgeRpc.versions, { id: article.id }, { actor: sam });
    expect(versions.items.map((v) => [v.articleVersion, v.state, v.authorId])).toEqual([
      [1, S.Retired, 'sam'],
      [2, S.Published, 'tom'],
    ]);
    await expect(h.rpc.call(KnowledgeRpc.get, { id: article.id }, { actor: alice })).resolves.toMatchObject({ articleVersion: 2, body: 'Use the new self-service portal.\n' });
  });

  it('an edit of a version in review takes it back to draft, to be submitted again', async () => {
    const article = await write(h);
    await move(h, article.id, { to: S.InReview }, sam);
    const edited = await edit(h, article.id, { title: 'Reset a VPN password' });
    expect(edited).toMatchObject({ state: S.Draft, articleVersion: 1, title: 'Reset a VPN password' });
    await expect(move(h, article.id, { to: S.Published }, rita)).rejects.toMatchObject({ code: ErrorCode.INVALID_TRANSITION, details: { allowed: [S.InReview] } });
  });

  it('lets only managers retire; retiring retires every version, is announced, and is final', async () => {
    const article = await write(h, { audience: ArticleAudience.Public });
    await publish(h, article.id);
    await edit(h, article.id, { body: 'A newer text.\n' });
    await expect(move(h, article.id, { to: S.Retired }, rita)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: KnowledgeErrorCode.RetireForbidden });

    const retired = await move(h, article.id, { to: S.Retired, comment: 'The VPN was replaced.' }, maria);
    expect(retired).toMatchObject({ state: S.Retired, publishedVersion: 1, articleVersion: 2 });
    await expect(h.database.query(`SELECT number, state FROM knowledge.article_versions WHERE article_id = $1 ORDER BY number`, [article.id])).resolves.toEqual([
      { number: 1, state: 'retired' },
      { number: 2, state: 'retired' },
    ]);
    const [event] = await h.events(KnowledgeEvents.retired, article.id);
    expect(event?.data).toEqual({ article: retired });

    await expect(edit(h, article.id, { title: 'Too late' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: KnowledgeErrorCode.FinalState });
    await expect(move(h, article.id, { to: S.Published }, maria)).rejects.toMatchObject({ code: ErrorCode.INVALID_TRANSITION, details: { allowed: [] } });
    await expect(h.rpc.call(KnowledgeRpc.get, { id: article.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: KnowledgeErrorCode.ArticleNotFound });
    await expect(h.rpc.call(KnowledgeRpc.get, { id: article.id }, { actor: sam })).resolves.toMatchObject({ state: S.Retired });
  });

  it('refuses the transition RPC to requesters', async () => {
    const article = await write(h);
    await expect(move(h, article.id, { to: S.InReview }, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});

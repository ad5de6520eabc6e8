/** Writing, reading, changing and listing articles, their versions and diffs over RPC: real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import {
  ArticleAudience,
  type ArticleFilters,
  ArticleLanguage,
  ArticleState,
  type ArticleView,
  DiffOp,
  ErrorCode,
  KnowledgeErrorCode,
  KnowledgeEvents,
  KnowledgeRpc,
  MAX_ARTICLE_BODY,
} from '@itsm/contracts';
import { alice, bob, maria, sam, tom } from '@itsm/testing';
import { edit, published, write } from './support/articles';
import { KnowledgeHarness } from './support/knowledge-harness';

describe('articles over RPC', () => {
  let h: KnowledgeHarness;

  const get = (id: string, actor = sam) => h.rpc.call(KnowledgeRpc.get, { id }, { actor });
  const list = (filters: ArticleFilters, actor = sam) => h.rpc.call(KnowledgeRpc.list, filters, { actor });
  const numbersOf = (page: { items: ArticleView[] }) => page.items.map((article) => article.number);

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await h?.stop();
  });

  describe('writing', () => {
    it('writes a draft with a KB number, version 1, the body rendered and stored, tags normalized, audited and announced whole', async () => {
      const serviceId = randomUUID();
      const article = await write(h, {
        title: 'Printer shows offline',
        body: '# Printer offline\n\nSee https://print.example.com for the queue.\n',
        summary: 'What to do when a printer shows offline.',
        category: 'printing',
        tags: ['printer', 'offline', 'printer'],
        serviceIds: [serviceId],
        audience: ArticleAudience.Public,
        language: ArticleLanguage.English,
        reviewBy: '2030-01-01T00:00:00.000Z',
      });

      expect(article).toMatchObject({
        title: 'Printer shows offline',
        state: ArticleState.Draft,
        version: 1,
        articleVersion: 1,
        publishedVersion: null,
        tags: ['offline', 'printer'],
        serviceIds: [serviceId],
        ciIds: [],
        audience: ArticleAudience.Public,
        ownerId: 'sam',
        authorId: 'sam',
        reviewBy: '2030-01-01T00:00:00.000Z',
        reviewDue: false,
        flagged: false,
        viewCount: 0,
        publishedAt: null,
      });
      expect(article.number).toMatch(/^KB\d{7}$/);
      expect(article.bodyHtml).toContain('<h1>Printer offline</h1>');
      expect(article.bodyHtml).toContain('<a href="https://print.example.com"');
      await expect(h.row('articles', article.id)).resolves.toMatchObject({ number: article.number, state: 'draft', latest_version: 1, published_version: null, owner_id: 'sam', version: 1 });
      const [version] = await h.database.query<Record<string, unknown>>(`SELECT * FROM knowledge.article_versions WHERE article_id = $1`, [article.id]);
      expect(version).toMatchObject({ number: 1, state: 'draft', body: '# Printer offline\n\nSee https://print.example.com for the queue.\n', body_html: article.bodyHtml, tags: ['offline', 'printer'], author_id: 'sam' });
      await expect(h.audit(article.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'article', action: 'created', actor_id: 'sam', before: null, after: article })]);
      const [event] = await h.events(KnowledgeEvents.created, article.id);
      expect(event).toMatchObject({ type: 'itsm.knowledge.created.v1', data: { article } });
    });

    it('hands out consecutive numbers', async () => {
      const first = await write(h);
      const second = await write(h);
      expect(Number(second.number.slice(2)) - Number(first.number.slice(2))).toBe(1);
    });

    it('answers a retry with the same Idempotency-Key with the first article, writing one', async () => {
      const idempotencyKey = randomUUID();
      const request = { title: 'Map a network drive', body: 'Open Explorer.', idempotencyKey };
      const first = await h.rpc.call(KnowledgeRpc.create, request, { actor: sam });
      const again = await h.rpc.call(KnowledgeRpc.create, request, { actor: sam });
      expect(again).toEqual(first);
      await expect(h.count(`articles WHERE id = $1`, [first.id])).resolves.toBe(1);
      await expect(h.count(`audit_log WHERE entity_id = $1`, [first.id])).resolves.toBe(1);
    });

    it('stores active content as written and renders it inert: no script, no event handler, no javascript: link', async () => {
      const body = [
        '<script>alert(1)</script>',
        '',
        '<img src="x" onerror="alert(2)">',
        '',
        '[click me](javascript:alert(3)) and [mail](mailto:help@example.com)',
        '',
        '![pic](javascript:alert(4))',
        '',
        '<a href="javascript:alert(5)" onclick="alert(6)">raw link</a>',
      ].join('\n');
      const article = await write(h, { body });

      expect(article.body).toBe(body);
      const [row] = await h.database.query<{ body: string; body_html: string }>(`SELECT body, body_html FROM knowledge.article_versions WHERE article_id = $1`, [article.id]);
      expect(row?.body).toBe(body);
      expect(row?.body_html).toBe(article.bodyHtml);
      const html = article.bodyHtml.toLowerCase();
      expect(html).not.toMatch(/<script/);
      expect(html).not.toMatch(/<img[^>]*onerror/);
      expect(html).not.toMatch(/<[a-z]+[^>]*\son[a-z]+=/);
      expect(html).not.toMatch(/<[a-z]+[^>]*\s(href|src)="\s*javascript:/);
      // what markdown-it would not take as a link or as HTML stays text, escaped
      expect(html).toContain('&lt;script&gt;');
      expect(html).toContain('href="mailto:help@example.com"');
    });

    it('refuses a body over the limit with 422 naming the limit, writing nothing; one at the limit is taken', async () => {
      const before = await h.count('articles');
      await expect(write(h, { body: 'x'.repeat(MAX_ARTICLE_BODY + 1) })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
        reason: KnowledgeErrorCode.BodyTooLarge,
        details: { maxLength: MAX_ARTICLE_BODY, field: 'body' },
      });
      await expect(h.count('articles')).resolves.toBe(before);
      const atLimit = await write(h, { body: 'x'.repeat(MAX_ARTICLE_BODY) });
      expect(atLimit.body).toHaveLength(MAX_ARTICLE_BODY);

      await expect(edit(h, atLimit.id, { body: 'y'.repeat(MAX_ARTICLE_BODY + 1) })).rejects.toMatchObject({ reason: KnowledgeErrorCode.BodyTooLarge, details: { maxLength: MAX_ARTICLE_BODY } });
      await expect(h.row('articles', atLimit.id)).resolves.toMatchObject({ version: 1 });
    });

    it('refuses requesters writing articles', async () => {
      await expect(write(h, {}, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });
  });

  describe('reading', () => {
    it('shows a requester a published public article, but neither an internal one nor a draft: both are not found', async () => {
      const open = await published(h, { audience: ArticleAudience.Public, title: 'Connect to the guest Wi-Fi' });
      const internal = await published(h, { audience: ArticleAudience.Internal, title: 'Restart the RADIUS server' });
      const draft = await write(h, { audience: ArticleAudience.Public });

      await expect(get(open.id, alice)).resolves.toMatchObject({ id: open.id, title: 'Connect to the guest Wi-Fi', articleVersion: 1 });
      for (const id of [internal.id, draft.id, randomUUID()]) {
        await expect(get(id, alice)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: KnowledgeErrorCode.ArticleNotFound });
      }
      await expect(get(internal.id, tom)).resolves.toMatchObject({ id: internal.id });
      await expect(get(draft.id, tom)).resolves.toMatchObject({ id: draft.id });
    });

    it('counts reads by others than the author, without a new version of the record', async () => {
      const article = await published(h, { audience: ArticleAudience.Public });
      const byAuthor = await get(article.id, sam);
      expect(byAuthor.viewCount).toBe(0);
      await get(article.id, alice);
      const byBob = await get(article.id, bob);
      expect(byBob).toMatchObject({ viewCount: 2, version: article.version });
      await expect(h.row('articles', article.id)).resolves.toMatchObject({ view_count: 2, version: article.version });
      await expect(h.count(`audit_log WHERE entity_id = $1`, [article.id])).resolves.toBe(3);
    });
  });

  describe('changing', () => {
    it('edits a draft in place: the same content version, the record one version on', async () => {
      const article = await write(h, { tags: ['vpn'] });
      const edited = await edit(h, article.id, { title: 'Reset a VPN password', body: 'New steps.\n', tags: ['vpn', 'password', 'vpn'] }, sam, article.version);
      expect(edited).toMatchObject({ title: 'Reset a VPN password', body: 'New steps.\n', bodyHtml: '<p>New steps.</p>\n', tags: ['password', 'vpn'], articleVersion: 1, version: 2 });
      await expect(h.count(`article_versions WHERE article_id = $1`, [article.id])).resolves.toBe(1);
      const audit = await h.audit(article.id);
      expect(audit.at(-1)).toMatchObject({ action: 'updated', actor_id: 'sam', after: edited });
    });

    it('makes a new draft version of a published article while readers keep the published one', async () => {
      const article = await published(h, { audience: ArticleAudience.Public, title: 'Clear the browser cache', body: 'Press Ctrl+Shift+Del.\n' });
      const edited = await edit(h, article.id, { body: 'Open the settings, then Privacy.\n' }, tom);
      expect(edited).toMatchObject({ state: ArticleState.Published, articleVersion: 2, publishedVersion: 1, body: 'Open the settings, then Privacy.\n', authorId: 'tom' });
      await expect(h.row('articles', article.id)).resolves.toMatchObject({ latest_version: 2, published_version: 1, state: 'published' });

      await expect(get(article.id, alice)).resolves.toMatchObject({ articleVersion: 1, publishedVersion: 1, body: 'Press Ctrl+Shift+Del.\n', authorId: 'sam' });
      await expect(list({ state: [ArticleState.Published] }, alice)).resolves.toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ id: article.id, articleVersion: 1 })]) });
      await expect(get(article.id, maria)).resolves.toMatchObject({ articleVersion: 2, body: 'Open the settings, then Privacy.\n' });

      const again = await edit(h, article.id, { title: 'Clear the cache of your browser' });
      expect(again).toMatchObject({ articleVersion: 2, title: 'Clear the cache of your browser' });
      await expect(h.count(`article_versions WHERE article_id = $1`, [article.id])).resolves.toBe(2);
    });

    it('changes the owner and review date of a published article without a new content version', async () => {
      const article = await published(h);
      const edited = await edit(h, article.id, { ownerId: 'tom', reviewBy: '2020-01-01T00:00:00Z' });
      expect(edited).toMatchObject({ ownerId: 'tom', reviewDue: true, articleVersion: 1, version: article.version + 1 });
    });

    it('answers a change that changes nothing with the article as it is', async () => {
      const article = await write(h, { tags: ['b', 'a'] });
      await expect(edit(h, article.id, { title: article.title, tags: ['a', 'b'] })).resolves.toEqual(article);
    });

    it('refuses a stale expected version with PRECONDITION_FAILED and writes nothing', async () => {
      const article = await write(h);
      await edit(h, article.id, { title: 'First edit wins' });
      await expect(edit(h, article.id, { title: 'Lost edit' }, tom, article.version)).rejects.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
        details: { currentVersion: 2, expectedVersion: 1 },
      });
      await expect(get(article.id)).resolves.toMatchObject({ title: 'First edit wins', version: 2 });
    });
  });

  describe('versions and diffs', () => {
    it('lists the versions, reads one whole, and diffs two by title and body', async () => {
      const article = await published(h, { title: 'Reset a VPN password', body: 'Open the portal.\nEnter your name.\n' });
      await edit(h, article.id, { title: 'Reset a forgotten VPN password', body: 'Open the portal.\nEnter your user name.\nConfirm by mail.\n' }, tom);

      const versions = await h.rpc.call(KnowledgeRpc.versions, { id: article.id }, { actor: sam });
      expect(versions.items).toEqual([
        { articleId: article.id, articleVersion: 1, state: ArticleState.Published, title: 'Reset a VPN password', authorId: 'sam', createdAt: expect.any(String), publishedAt: expect.any(String) },
        { articleId: article.id, articleVersion: 2, state: ArticleState.Draft, title: 'Reset a forgotten VPN password', authorId: 'tom', createdAt: expect.any(String), publishedAt: null },
      ]);
      await expect(h.rpc.call(KnowledgeRpc.getVersion, { id: article.id, version: 1 }, { actor: sam })).resolves.toMatchObject({
        articleVersion: 1,
        body: 'Open the portal.\nEnter your name.\n',
        bodyHtml: '<p>Open the portal.\nEnter your name.</p>\n',
      });

      const diff = await h.rpc.call(KnowledgeRpc.diff, { id: article.id, from: 1, to: 2 }, { actor: sam });
      expect(diff.from).toBe(1);
      expect(diff.to).toBe(2);
      expect(diff.body).toEqual([
        { op: DiffOp.Equal, text: 'Open the portal.\n' },
        { op: DiffOp.Remove, text: 'Enter your name.\n' },
        { op: DiffOp.Add, text: 'Enter your user name.\nConfirm by mail.\n' },
      ]);
      expect(diff.title.filter((part) => part.op === DiffOp.Add).map((part) => part.text.trim())).toEqual(['forgotten']);
      expect(diff.title.filter((part) => part.op === DiffOp.Remove)).toEqual([]);
    });

    it('answers VERSION_NOT_FOUND for a version the article does not have, ARTICLE_NOT_FOUND for no article', async () => {
      const article = await write(h);
      await expect(h.rpc.call(KnowledgeRpc.getVersion, { id: article.id, version: 2 }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        reason: KnowledgeErrorCode.VersionNotFound,
      });
      await expect(h.rpc.call(KnowledgeRpc.diff, { id: article.id, from: 1, to: 3 }, { actor: sam })).rejects.toMatchObject({ reason: KnowledgeErrorCode.VersionNotFound });
      await expect(h.rpc.call(KnowledgeRpc.versions, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ reason: KnowledgeErrorCode.ArticleNotFound });
      await expect(h.rpc.call(KnowledgeRpc.versions, { id: article.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });
  });

  describe('listing', () => {
    const tag = `list-${randomUUID().slice(0, 8)}`;
    let network: ArticleView;
    let printing: ArticleView;
    let draft: ArticleView;
    let overdue: ArticleView;

    beforeAll(async () => {
      network = await published(h, { title: 'A network article', category: 'network', tags: [tag, 'wifi'], audience: ArticleAudience.Public });
      printing = await published(h, { title: 'B printing article', category: 'printing', tags: [tag], audience: ArticleAudience.Internal });
      draft = await write(h, { title: 'C draft article', category: 'network', tags: [tag], audience: ArticleAudience.Public }, tom);
      overdue = await write(h, { title: 'D overdue article', category: 'network', tags: [tag], reviewBy: '2021-06-01T00:00:00Z' });
      await h.database.query(`UPDATE knowledge.articles SET flagged = true, flag_reason = 'review date passed' WHERE id = $1`, [overdue.id]);
    });

    it.each([
      ['state', { state: [ArticleState.Draft] }, () => [draft, overdue]],
      ['audience', { audience: ArticleAudience.Internal }, () => [printing, overdue]],
      ['category', { category: 'NETWORK' }, () => [network, draft, overdue]],
      ['tag', { tag: 'WiFi' }, () => [network]],
      ['owner', { ownerId: 'tom' }, () => [draft]],
      ['review due', { reviewDue: true }, () => [overdue]],
      ['not review due', { reviewDue: false }, () => [network, printing, draft]],
      ['flagged', { flagged: true }, () => [overdue]],
    ] satisfies Array<[string, ArticleFilters, () => ArticleView[]]>)('filters by %s', async (_name, filters, expected) => {
      const page = await list({ tag, ...filters, sort: 'title' });
      expect(numbersOf(page)).toEqual(expected().map((article) => article.number));
    });

    it('lists requesters only published public articles', async () => {
      await expect(list({ tag, sort: 'title' }, alice).then(numbersOf)).resolves.toEqual([network.number]);
      await expect(list({ tag, state: [ArticleState.Draft] }, alice).then(numbersOf)).resolves.toEqual([]);
    });

    it('pages through a sort with its cursor, and refuses a cursor of another sort', async () => {
      const first = await list({ tag, sort: '-title', limit: 3 });
      expect(numbersOf(first)).toEqual([overdue, draft, printing].map((a) => a.number));
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list({ tag, sort: '-title', limit: 3, cursor: first.nextCursor ?? '' });
      expect(numbersOf(second)).toEqual([network.number]);
      expect(second.nextCursor).toBeNull();
      await expect(list({ tag, sort: 'number', cursor: first.nextCursor ?? '' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    });
  });

  it('refuses requesters changing an article', async () => {
    const article = await write(h);
    await expect(edit(h, article.id, { title: 'By a requester' }, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.row('articles', article.id)).resolves.toMatchObject({ version: 1 });
  });
});

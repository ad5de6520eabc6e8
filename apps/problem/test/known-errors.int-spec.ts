import { randomUUID } from 'node:crypto';
import {
  type Actor,
  CommonErrorCode,
  ErrorCode,
  type KnownErrorHit,
  KnownErrorState,
  type KnownErrorView,
  ProblemErrorCode,
  ProblemEvents,
  ProblemRpc,
  ProblemState,
  type SearchKnownErrorsRequest,
} from '@itsm/contracts';
import { maria, sam } from '@itsm/testing';
import { KNOWN_ERROR_SEARCH_VECTOR } from '../src/known-errors/known-error-search';
import { ProblemHarness } from './support/problem-harness';
import { ANALYSED, problemIn } from './support/problem-paths';

/** A word no other test uses, so that a search finds only what the test published. */
function word(): string {
  return Array.from(randomUUID().replace(/[^a-f]/g, '').slice(0, 8), (c) => String.fromCharCode(c.charCodeAt(0) + 10)).join('') + 'zq';
}

describe('known errors', () => {
  let h: ProblemHarness;

  beforeAll(async () => {
    h = await ProblemHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const publish = (id: string, body: { symptoms: string; title?: string }, actor: Actor = maria, expectedVersion?: number): Promise<KnownErrorView> =>
    h.rpc.call(ProblemRpc.publishKnownError, { id, ...body, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  const retire = (id: string, reason: string, actor: Actor = maria, expectedVersion?: number): Promise<KnownErrorView> =>
    h.rpc.call(ProblemRpc.retireKnownError, { id, reason, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  const search = (request: SearchKnownErrorsRequest, actor: Actor = sam) => h.rpc.call(ProblemRpc.searchKnownErrors, request, { actor });

  /** Publishes a known error whose texts are given (a problem opened for it with that root cause and workaround). */
  async function published(texts: { title: string; symptoms: string; rootCause?: string; workaround?: string; category?: string }): Promise<KnownErrorView> {
    const problem = await h.open({
      rootCause: texts.rootCause ?? ANALYSED.rootCause,
      causeCategory: ANALYSED.causeCategory,
      workaround: texts.workaround ?? ANALYSED.workaround,
      ...(texts.category ? { category: texts.category } : {}),
    });
    return publish(problem.id, { title: texts.title, symptoms: texts.symptoms });
  }

  describe('publishing', () => {
    it('publishes the problem’s root cause and workaround with a number, and points the problem at it', async () => {
      const problem = await h.open({ ...ANALYSED, title: 'VPN tunnels drop above 256 users', category: 'network' });
      const knownError = await publish(problem.id, { symptoms: 'The VPN client shows "tunnel reset".' });
      expect(knownError).toEqual({
        id: expect.any(String),
        number: expect.stringMatching(/^KE\d{7}$/),
        problemId: problem.id,
        problemNumber: problem.number,
        title: 'VPN tunnels drop above 256 users',
        symptoms: 'The VPN client shows "tunnel reset".',
        rootCause: ANALYSED.rootCause,
        workaround: ANALYSED.workaround,
        causeCategory: ANALYSED.causeCategory,
        ciIds: [],
        serviceId: null,
        category: 'network',
        state: KnownErrorState.Published,
        publishedAt: expect.any(String),
        publishedBy: maria.sub,
        retiredAt: null,
        retireReason: null,
        version: 1,
      });
      await expect(h.row('known_errors', knownError.id)).resolves.toMatchObject({ number: knownError.number, problem_id: problem.id, state: 'published', published_by_id: maria.sub });
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({
        known_error_id: knownError.id,
        known_error_number: knownError.number,
        known_error_state: 'published',
        version: problem.version + 1,
      });
      const [event] = await h.events(ProblemEvents.knownErrorPublished, problem.id);
      expect(event?.data).toEqual({
        problem: expect.objectContaining({ id: problem.id, version: problem.version + 1, knownError: { id: knownError.id, number: knownError.number, state: KnownErrorState.Published } }),
        knownError,
      });
      await expect(h.rpc.call(ProblemRpc.getKnownError, { id: knownError.id }, { actor: sam })).resolves.toEqual(knownError);
    });

    it('takes a title of its own', async () => {
      const problem = await h.open(ANALYSED);
      await expect(publish(problem.id, { title: 'Mail stalls at 9:00', symptoms: 'Mail waits in the outbox.' })).resolves.toMatchObject({ title: 'Mail stalls at 9:00' });
    });

    it.each([
      [{ causeCategory: 'capacity', workaround: 'Restart it.' }, 'rootCause', ['rootCause']],
      [{ rootCause: 'Too few sessions.', causeCategory: 'capacity' }, 'workaround', ['workaround']],
      [{}, 'rootCause', ['rootCause', 'workaround']],
    ] as const)('refuses to publish from a problem with only %j, naming %s', async (fields, field, all) => {
      const problem = await h.open(fields);
      const outboxBefore = await h.count('outbox');
      const error = await publish(problem.id, { symptoms: 'Something breaks.' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ProblemErrorCode.KnownErrorIncomplete, details: { field } });
      expect((error as { details: { errors: Array<{ field: string }> } }).details.errors.map((e) => e.field)).toEqual(all);
      await expect(h.count('known_errors WHERE problem_id = $1', [problem.id])).resolves.toBe(0);
      await expect(h.count('outbox')).resolves.toBe(outboxBefore);
    });

    it('refuses a second published known error for one problem, and allows a new one once it is retired', async () => {
      const problem = await h.open(ANALYSED);
      const first = await publish(problem.id, { symptoms: 'Sessions drop.' });
      await expect(publish(problem.id, { symptoms: 'Sessions drop again.' })).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: ProblemErrorCode.KnownErrorExists,
        details: { knownErrorId: first.id, knownErrorNumber: first.number },
      });
      await expect(h.count('known_errors WHERE problem_id = $1', [problem.id])).resolves.toBe(1);

      await retire(first.id, 'replaced by a better description');
      const second = await publish(problem.id, { symptoms: 'Sessions drop at 256 users.' });
      expect(second.number).not.toBe(first.number);
      await expect(h.rpc.call(ProblemRpc.get, { id: problem.id }, { actor: sam })).resolves.toMatchObject({ knownError: { id: second.id, state: KnownErrorState.Published } });
    });

    it('lets only managers and admins publish, and not from a final problem', async () => {
      const problem = await h.open(ANALYSED);
      await expect(publish(problem.id, { symptoms: 'x' }, sam)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
      const canceled = await problemIn(h, ProblemState.Canceled);
      await expect(publish(canceled.id, { symptoms: 'Sessions drop.' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ProblemErrorCode.FinalState });
    });

    it('refuses a stale expected version of the problem with PRECONDITION_FAILED', async () => {
      const problem = await h.open(ANALYSED);
      await expect(publish(problem.id, { symptoms: 'Sessions drop.' }, maria, problem.version + 1)).rejects.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
        details: { currentVersion: problem.version },
      });
      await expect(h.count('known_errors WHERE problem_id = $1', [problem.id])).resolves.toBe(0);
      await expect(publish(problem.id, { symptoms: 'Sessions drop.' }, maria, problem.version)).resolves.toMatchObject({ state: KnownErrorState.Published });
    });
  });

  describe('retiring', () => {
    it('retires a known error with its reason and tells the problem', async () => {
      const problem = await h.open(ANALYSED);
      const knownError = await publish(problem.id, { symptoms: 'Sessions drop.' });
      const before = await h.rpc.call(ProblemRpc.get, { id: problem.id }, { actor: sam });
      const retired = await retire(knownError.id, 'Fixed for good by a change.', maria, knownError.version);
      expect(retired).toMatchObject({ state: KnownErrorState.Retired, retireReason: 'Fixed for good by a change.', retiredAt: expect.any(String), version: 2 });
      await expect(h.row('known_errors', knownError.id)).resolves.toMatchObject({ state: 'retired', retire_reason: 'Fixed for good by a change.' });
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ known_error_state: 'retired', version: before.version + 1 });
      const [event] = await h.events(ProblemEvents.knownErrorRetired, problem.id);
      expect(event?.data).toEqual({ problem: expect.objectContaining({ version: before.version + 1, knownError: { id: knownError.id, number: knownError.number, state: KnownErrorState.Retired } }), knownError: retired });
    });

    it('refuses to retire twice with KNOWN_ERROR_RETIRED, a stale version with PRECONDITION_FAILED, and an agent', async () => {
      const problem = await h.open(ANALYSED);
      const knownError = await publish(problem.id, { symptoms: 'Sessions drop.' });
      await expect(retire(knownError.id, 'no longer seen', sam)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
      await expect(retire(knownError.id, 'no longer seen', maria, knownError.version + 1)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      await retire(knownError.id, 'no longer seen');
      await expect(retire(knownError.id, 'no longer seen')).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ProblemErrorCode.KnownErrorRetired });
      await expect(h.row('known_errors', knownError.id)).resolves.toMatchObject({ version: 2 });
    });

    it('answers an unknown known error with KNOWN_ERROR_NOT_FOUND', async () => {
      const id = randomUUID();
      await expect(retire(id, 'gone')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.KnownErrorNotFound });
      await expect(h.rpc.call(ProblemRpc.getKnownError, { id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.KnownErrorNotFound });
    });
  });

  describe('search', () => {
    it('finds known errors by words of their symptoms and of their workaround, marking them in the snippet', async () => {
      const [inSymptoms, inWorkaround] = [word(), word()];
      const bySymptoms = await published({ title: 'Printer queue stuck', symptoms: `Jobs wait with status ${inSymptoms} for hours.` });
      const byWorkaround = await published({ title: 'Badge readers offline', symptoms: 'Doors do not open.', workaround: `Reset the ${inWorkaround} controller.` });

      const found = await search({ q: inSymptoms });
      expect(found.items.map((hit) => hit.id)).toEqual([bySymptoms.id]);
      expect(found.items[0]).toMatchObject({ ...bySymptoms, snippet: expect.stringContaining(`<b>${inSymptoms}</b>`), rank: expect.any(Number) });
      await expect(search({ q: `reset ${inWorkaround}` })).resolves.toMatchObject({ items: [expect.objectContaining({ id: byWorkaround.id })] });
      await expect(search({ q: `${inWorkaround} -reset` })).resolves.toMatchObject({ items: [] });
    });

    it('ranks a match in the title above one in the symptoms, above one in the root cause or workaround', async () => {
      const term = word();
      const inWorkaround = await published({ title: 'Slow logins', symptoms: 'Logins take a minute.', workaround: `Clear the ${term} cache.` });
      const inTitle = await published({ title: `Broken ${term} sync`, symptoms: 'Calendars differ.' });
      const inSymptoms = await published({ title: 'Files vanish', symptoms: `The ${term} share drops files.` });
      const found = await search({ q: term });
      expect(found.items.map((hit) => hit.id)).toEqual([inTitle.id, inSymptoms.id, inWorkaround.id]);
      const ranks = found.items.map((hit) => hit.rank ?? 0);
      expect(ranks[0]).toBeGreaterThan(ranks[1] ?? 0);
      expect(ranks[1]).toBeGreaterThan(ranks[2] ?? 0);
    });

    it.each([
      '"unbalanced quote',
      "it's",
      '100%',
      '%%',
      'back\\slash\\',
      '\\',
      "'; DROP TABLE problem.known_errors; --",
      'a & b | !c',
      '(((',
      ')) :* <-> !',
      '-',
      '""',
      'or',
      'the',
      '   ',
      '😀 emoji',
      '"'.repeat(200),
    ])('survives the hostile query %j', async (q) => {
      await expect(search({ q })).resolves.toMatchObject({ items: expect.any(Array) });
      await expect(search({ q, state: KnownErrorState.Published, category: '%' })).resolves.toMatchObject({ items: expect.any(Array) });
    });

    it.each(['nul\u0000byte', 'half \ud800 a pair'])('refuses text no column can hold (%j) as an invalid request naming q', async (q) => {
      await expect(search({ q })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'q' })] } });
    });

    it('searches with the expression of known_errors_search_idx, so the index answers', async () => {
      const plan = await h.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        return manager.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN SELECT id FROM problem.known_errors WHERE ${KNOWN_ERROR_SEARCH_VECTOR} @@ websearch_to_tsquery('english', $1)`, ['vpn']);
      });
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('Index Scan on known_errors_search_idx');
    });

    it('filters by state and category', async () => {
      const term = word();
      const network = await published({ title: `${term} one`, symptoms: 'Packets drop.', category: 'network' });
      const email = await published({ title: `${term} two`, symptoms: 'Mail waits.', category: 'email' });
      await retire(email.id, 'no longer seen');
      await expect(search({ q: term, state: KnownErrorState.Published })).resolves.toMatchObject({ items: [expect.objectContaining({ id: network.id })] });
      await expect(search({ q: term, state: KnownErrorState.Retired })).resolves.toMatchObject({ items: [expect.objectContaining({ id: email.id, state: KnownErrorState.Retired })] });
      await expect(search({ q: term, category: 'NETWORK' })).resolves.toMatchObject({ items: [expect.objectContaining({ id: network.id })] });
      const unfiltered = await search({ q: term });
      expect(unfiltered.items.map((hit) => hit.id).sort()).toEqual([network.id, email.id].sort());
    });

    it('pages through ranked results without overlap, and refuses the cursor for another search', async () => {
      const term = word();
      const all: KnownErrorView[] = [];
      for (const title of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) all.push(await published({ title: `${term} ${title}`, symptoms: `${term} seen.` }));
      const seen: KnownErrorHit[] = [];
      let cursor: string | undefined;
      let page = await search({ q: term, limit: 2 });
      for (;;) {
        seen.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
        page = await search({ q: term, limit: 2, cursor });
      }
      expect(seen.map((hit) => hit.id).sort()).toEqual(all.map((ke) => ke.id).sort());
      expect(new Set(seen.map((hit) => hit.id)).size).toBe(all.length);
      const ranks = seen.map((hit) => hit.rank ?? 0);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      await expect(search({ q: `${term} alpha`, limit: 2, cursor })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor });
      await expect(search({ limit: 2, cursor })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor });
    });

    it('lists the newest first without words, a page at a time', async () => {
      const term = word();
      const older = await published({ title: `${term} older`, symptoms: 'First.', category: term });
      const newer = await published({ title: `${term} newer`, symptoms: 'Second.', category: term });
      const first = await search({ category: term, limit: 1 });
      expect(first).toMatchObject({ items: [{ ...newer, snippet: null, rank: null }], nextCursor: expect.any(String) });
      await expect(search({ category: term, limit: 1, cursor: first.nextCursor ?? '' })).resolves.toEqual({ items: [{ ...older, snippet: null, rank: null }], nextCursor: null });
    });
  });
});

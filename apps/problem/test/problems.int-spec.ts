/** Opening, reading, changing and listing problems over RPC, with the CMDB checking CIs: real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import {
  CmdbRpc,
  DEFAULT_CAUSE_CATEGORIES,
  ErrorCode,
  type ListProblemsRequest,
  Priority,
  ProblemErrorCode,
  ProblemEvents,
  ProblemRpc,
  ProblemState,
  type ProblemView,
  type UpdateProblemDto,
} from '@itsm/contracts';
import { ada, alice, fieldsOf, maria, sam, tom } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real cmdb service beside this one, through its own harness; no source of one app imports another
import { CmdbHarness } from '../../cmdb/test/support/cmdb-harness';
import { ProblemHarness } from './support/problem-harness';

describe('problems over RPC', () => {
  let h: ProblemHarness;
  let cmdb: CmdbHarness;
  /** A business service and two applications known to the CMDB. */
  let payroll: string;
  let mailApp: string;
  let gateway: string;

  const ci = async (className: string, name: string): Promise<string> =>
    (await cmdb.rpc.call(CmdbRpc.createCi, { className, name: `${name}-${randomUUID().slice(0, 6)}`, environment: 'prod' }, { actor: sam })).id;
  const update = (problem: Pick<ProblemView, 'id'>, changes: UpdateProblemDto, expectedVersion?: number) =>
    h.rpc.call(ProblemRpc.update, { id: problem.id, changes, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor: tom });
  const list = (filters: ListProblemsRequest) => h.rpc.call(ProblemRpc.list, filters, { actor: sam });
  const numbersOf = (page: { items: ProblemView[] }) => page.items.map((problem) => problem.number);

  beforeAll(async () => {
    h = await ProblemHarness.start();
    cmdb = await CmdbHarness.start({}, { fresh: false });
    payroll = await ci('business_service', 'payroll');
    mailApp = await ci('application', 'mail');
    gateway = await ci('application', 'vpn-gateway');
  });

  afterAll(async () => {
    await cmdb?.stop();
    await h?.stop();
  });

  describe('opening', () => {
    it('opens a problem in state new with a PRB number, the matrix priority and the CMDB’s CIs, audited and announced whole', async () => {
      const problem = await h.open({ title: 'Payroll export times out', category: 'payroll', impact: 1, urgency: 1, serviceId: payroll, ciIds: [mailApp, gateway] }, sam);

      expect(problem).toMatchObject({
        title: 'Payroll export times out',
        description: '',
        state: ProblemState.New,
        priority: Priority.P1,
        serviceId: payroll,
        ciIds: [mailApp, gateway],
        incidentIds: [],
        changeIds: [],
        detected: false,
        detection: null,
        knownError: null,
        rootCauseIdentifiedAt: null,
        openedBy: 'sam',
        version: 1,
      });
      expect(problem.number).toMatch(/^PRB\d{7}$/);
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ number: problem.number, priority: 'P1', state: 'new', service_id: payroll, ci_ids: [mailApp, gateway], opened_by_id: 'sam' });
      await expect(h.audit(problem.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'problem', action: 'created', actor_id: 'sam', before: null, after: problem })]);
      const [event] = await h.events(ProblemEvents.created, problem.id);
      expect(event).toMatchObject({ type: 'itsm.problem.created.v1', source: 'itsm/problem', data: { problem } });
    });

    it('hands out consecutive numbers starting at PRB0001001', async () => {
      const first = await h.open();
      const second = await h.open();
      expect(Number(second.number.slice(3)) - Number(first.number.slice(3))).toBe(1);
      await expect(h.database.query(`SELECT min(number) AS min FROM problem.problems`)).resolves.toEqual([{ min: 'PRB0001001' }]);
    });

    it('takes a root cause given at opening as identified then, and announces it', async () => {
      const problem = await h.open({ rootCause: 'The session table holds 256 tunnels', causeCategory: 'capacity', workaround: 'Use vpn2' });
      expect(problem).toMatchObject({ rootCause: 'The session table holds 256 tunnels', causeCategory: 'capacity', workaround: 'Use vpn2', rootCauseIdentifiedAt: problem.createdAt });
      const [event] = await h.events(ProblemEvents.rootCauseIdentified, problem.id);
      expect(event?.data).toEqual({ problem });
    });

    it('refuses CIs and a service the CMDB does not know, listing each under its field, and writes nothing', async () => {
      const unknownCi = randomUUID();
      const unknownService = randomUUID();
      const before = await h.count('problems');
      const error = await h.open({ ciIds: [mailApp, unknownCi], serviceId: unknownService }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ProblemErrorCode.UnknownCis, details: { ciIds: [unknownCi, unknownService] } });
      expect(fieldsOf(error)).toEqual(['ciIds', 'serviceId']);
      expect((error as Error).message).toContain(unknownCi);
      await expect(h.open({ serviceId: unknownService })).rejects.toMatchObject({ reason: ProblemErrorCode.UnknownCis, details: { ciIds: [unknownService] } });
      await expect(h.count('problems')).resolves.toBe(before);
    });

    it('refuses a cause category outside the configured list, naming the allowed ones', async () => {
      const before = await h.count('problems');
      const error = await h.open({ causeCategory: 'gremlins' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ProblemErrorCode.UnknownCauseCategory, details: { allowed: [...DEFAULT_CAUSE_CATEGORIES] } });
      expect(fieldsOf(error)).toEqual(['causeCategory']);
      expect((error as Error).message).toContain('software, hardware, configuration');
      await expect(h.count('problems')).resolves.toBe(before);
    });

    it('refuses an invalid request naming each field, and writes nothing', async () => {
      const before = await h.count('outbox');
      const bad = { title: '', category: 'no!good', impact: 4, urgency: 2, ciIds: ['not-a-uuid'], colour: 'red' } as never;
      const error = await h.rpc.call(ProblemRpc.create, bad, { actor: sam }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['category', 'ciIds', 'colour', 'impact', 'title']);
      await expect(h.count('outbox')).resolves.toBe(before);
    });

    it('answers the first problem to a retry with the same Idempotency-Key, and refuses the key with another body', async () => {
      const key = randomUUID();
      const body = { title: 'Printer spooler crashes', category: 'printing', impact: 3, urgency: 3, idempotencyKey: key } as const;
      const first = await h.rpc.call(ProblemRpc.create, body, { actor: sam });
      await expect(h.rpc.call(ProblemRpc.create, body, { actor: sam })).resolves.toEqual(first);
      await expect(h.count(`problems WHERE title = 'Printer spooler crashes'`)).resolves.toBe(1);
      await expect(h.eventsNow(ProblemEvents.created, first.id)).resolves.toHaveLength(1);
      await expect(h.rpc.call(ProblemRpc.create, { ...body, title: 'Scanner crashes' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE });
      const toms = await h.rpc.call(ProblemRpc.create, body, { actor: tom });
      expect(toms.id).not.toBe(first.id);
    });
  });

  describe('reading', () => {
    it('lets agents, managers and admins read a problem, and answers PROBLEM_NOT_FOUND for an unknown id', async () => {
      const problem = await h.open();
      for (const actor of [tom, maria, ada]) await expect(h.rpc.call(ProblemRpc.get, { id: problem.id }, { actor })).resolves.toEqual(problem);
      await expect(h.rpc.call(ProblemRpc.get, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
    });

    it('refuses a requester everything alike, so they cannot tell that a problem exists, and writes nothing', async () => {
      const problem = await h.open();
      const outbox = await h.count('outbox');
      const refusals = await Promise.all([
        h.rpc.call(ProblemRpc.get, { id: problem.id }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ProblemRpc.get, { id: randomUUID() }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ProblemRpc.history, { id: problem.id }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ProblemRpc.list, {}, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ProblemRpc.update, { id: problem.id, changes: { title: 'mine now' } }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ProblemRpc.create, { title: 'Mine', category: 'email', impact: 1, urgency: 1 }, { actor: alice }).catch((e: unknown) => e),
      ]);
      for (const refusal of refusals) expect(refusal).toMatchObject({ code: ErrorCode.FORBIDDEN });
      const [existing, unknown] = refusals as Array<{ message: string; details?: unknown }>;
      expect({ message: existing?.message, details: existing?.details }).toEqual({ message: unknown?.message, details: unknown?.details });
      expect(JSON.stringify(refusals)).not.toContain(problem.id);
      await expect(h.count('outbox')).resolves.toBe(outbox);
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ title: problem.title, version: 1 });
    });
  });

  describe('changing', () => {
    it('changes fields, recomputes the priority, and announces the changes with the problem', async () => {
      const problem = await h.open({ impact: 3, urgency: 3, ciIds: [mailApp] });
      const changeId = randomUUID();
      const updated = await update(
        problem,
        { title: 'Mail queue stalls at 08:00', impact: 1, urgency: 2, assignmentGroup: 'messaging', assigneeId: 'tom', ciIds: [mailApp, gateway], serviceId: payroll, changeIds: [changeId], workaround: 'Restart the relay' },
        1,
      );
      expect(updated).toMatchObject({
        title: 'Mail queue stalls at 08:00',
        impact: 1,
        urgency: 2,
        priority: Priority.P2,
        assignmentGroup: 'messaging',
        assigneeId: 'tom',
        ciIds: [mailApp, gateway],
        serviceId: payroll,
        changeIds: [changeId],
        workaround: 'Restart the relay',
        version: 2,
      });
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ priority: 'P2', assignee_id: 'tom', change_ids: [changeId], version: 2 });
      const [event] = await h.events(ProblemEvents.updated, problem.id);
      expect(event?.data.problem).toEqual(updated);
      expect(event?.data.changes).toEqual(
        expect.arrayContaining([
          { field: 'title', from: problem.title, to: 'Mail queue stalls at 08:00' },
          { field: 'priority', from: 'P5', to: 'P2' },
          { field: 'ciIds', from: [mailApp], to: [mailApp, gateway] },
          { field: 'serviceId', from: null, to: payroll },
        ]),
      );
      expect(event?.data.changes.map((change) => change.field)).not.toContain('version');
      await expect(h.eventsNow(ProblemEvents.rootCauseIdentified, problem.id)).resolves.toEqual([]);
    });

    it('stamps the first root cause and announces it once; later edits keep the first time', async () => {
      const problem = await h.open();
      const identified = await update(problem, { rootCause: 'The relay’s disk fills with bounce logs', causeCategory: 'capacity' });
      expect(identified.rootCauseIdentifiedAt).toBe(identified.updatedAt);
      const [event] = await h.events(ProblemEvents.rootCauseIdentified, problem.id);
      expect(event?.data).toEqual({ problem: identified });

      const edited = await update(problem, { rootCause: 'Bounce logs are never rotated' });
      expect(edited).toMatchObject({ rootCause: 'Bounce logs are never rotated', rootCauseIdentifiedAt: identified.rootCauseIdentifiedAt, version: 3 });
      await expect(h.eventsNow(ProblemEvents.rootCauseIdentified, problem.id)).resolves.toHaveLength(1);
      await expect(h.eventsNow(ProblemEvents.updated, problem.id)).resolves.toHaveLength(2);
    });

    it('clears the clearable fields with null', async () => {
      const problem = await h.open({ assignmentGroup: 'messaging', assigneeId: 'sam', rootCause: 'x', causeCategory: 'software', workaround: 'y', serviceId: payroll });
      const cleared = await update(problem, { assignmentGroup: null, assigneeId: null, rootCause: null, causeCategory: null, workaround: null, serviceId: null });
      expect(cleared).toMatchObject({ assignmentGroup: null, assigneeId: null, rootCause: null, causeCategory: null, workaround: null, serviceId: null, rootCauseIdentifiedAt: problem.rootCauseIdentifiedAt });
    });

    it('refuses CIs and a service the CMDB does not know, listing them, and leaves the problem as it was', async () => {
      const problem = await h.open({ ciIds: [mailApp] });
      const unknown = randomUUID();
      await expect(update(problem, { ciIds: [mailApp, unknown], title: 'changed' })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
        reason: ProblemErrorCode.UnknownCis,
        details: { ciIds: [unknown], errors: [{ field: 'ciIds', message: expect.stringContaining(unknown) }] },
      });
      await expect(update(problem, { serviceId: unknown })).rejects.toMatchObject({ reason: ProblemErrorCode.UnknownCis, details: { ciIds: [unknown], errors: [{ field: 'serviceId' }] } });
      await expect(update({ id: randomUUID() }, { ciIds: [mailApp] })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ title: problem.title, ci_ids: [mailApp], service_id: null, version: 1 });
    });

    it('refuses a cause category outside the configured list, naming the allowed ones', async () => {
      const problem = await h.open();
      const error = await update(problem, { causeCategory: 'bad_luck' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ProblemErrorCode.UnknownCauseCategory, details: { allowed: [...DEFAULT_CAUSE_CATEGORIES] } });
      expect(fieldsOf(error)).toEqual(['causeCategory']);
      await expect(update(problem, { causeCategory: 'network' })).resolves.toMatchObject({ causeCategory: 'network' });
    });

    it('refuses a stale expected version with PRECONDITION_FAILED and writes nothing', async () => {
      const problem = await h.open();
      await update(problem, { title: 'First edit' }, 1);
      const outbox = await h.count('outbox');
      await expect(update(problem, { title: 'Lost edit' }, 1)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, details: { currentVersion: 2, expectedVersion: 1 } });
      await expect(h.row('problems', problem.id)).resolves.toMatchObject({ title: 'First edit', version: 2 });
      await expect(h.count('outbox')).resolves.toBe(outbox);
      await expect(update(problem, { title: 'Second edit' }, 2)).resolves.toMatchObject({ title: 'Second edit', version: 3 });
    });

    it('refuses an invalid change naming each field', async () => {
      const problem = await h.open();
      const error = await update(problem, { title: '', impact: 7, ciIds: null, category: 'bad!' } as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['changes.category', 'changes.ciIds', 'changes.impact', 'changes.title']);
    });

    it('answers a change that changes nothing with the problem as it is, without a new version or event', async () => {
      const problem = await h.open({ assignmentGroup: 'messaging' });
      await expect(update(problem, { assignmentGroup: 'messaging', title: problem.title })).resolves.toEqual(problem);
      await expect(h.eventsNow(ProblemEvents.updated, problem.id)).resolves.toEqual([]);
    });

    it('refuses changes to a closed or canceled problem', async () => {
      for (const state of [ProblemState.Closed, ProblemState.Canceled]) {
        const problem = await h.open();
        await h.database.query(`UPDATE problem.problems SET state = $2 WHERE id = $1`, [problem.id, state]);
        await expect(update(problem, { title: 'Too late' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ProblemErrorCode.FinalState, details: { state } });
        await expect(h.row('problems', problem.id)).resolves.toMatchObject({ title: problem.title, version: 1 });
      }
    });
  });

  describe('history', () => {
    it('lists every change with who made it and what changed, oldest first', async () => {
      const problem = await h.open({ impact: 2, urgency: 2 }, sam);
      await update(problem, { urgency: 1, assigneeId: 'tom' });
      const history = await h.rpc.call(ProblemRpc.history, { id: problem.id }, { actor: maria });
      expect(history.items.map((entry) => [entry.action, entry.actorId])).toEqual([
        ['created', 'sam'],
        ['updated', 'tom'],
      ]);
      expect(history.items[0]?.changes).toEqual(expect.arrayContaining([{ field: 'number', from: null, to: problem.number }]));
      expect(history.items[1]?.changes).toEqual(
        expect.arrayContaining([
          { field: 'urgency', from: 2, to: 1 },
          { field: 'priority', from: 'P3', to: 'P2' },
          { field: 'assigneeId', from: null, to: 'tom' },
        ]),
      );
      await expect(h.rpc.call(ProblemRpc.history, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
    });
  });

  describe('listing', () => {
    /** Problems of one category of their own, so each test sees only what it opened. */
    const category = () => `cat-${randomUUID().slice(0, 8)}`;

    it('filters by state, priority, group, assignee, CI, service, known error, detection and words', async () => {
      const c = category();
      const a = await h.open({ category: c, title: 'Tunnel drops under load', impact: 1, urgency: 1, assignmentGroup: 'network', assigneeId: 'tom', ciIds: [gateway], serviceId: payroll });
      const b = await h.open({ category: c, title: 'Mail relay disk full', description: 'bounce logs grow without bound', impact: 3, urgency: 3, ciIds: [mailApp] });
      const d = await h.open({ category: c, title: 'Slow logins', impact: 2, urgency: 2, assignmentGroup: 'identity' });
      await h.database.query(`UPDATE problem.problems SET state = 'assess' WHERE id = $1`, [b.id]);
      await h.database.query(`UPDATE problem.problems SET known_error_id = $2, known_error_number = 'KE0009999', known_error_state = 'published' WHERE id = $1`, [d.id, randomUUID()]);
      await h.database.query(`UPDATE problem.problems SET detected = true WHERE id = $1`, [a.id]);
      const numbers = async (filters: Omit<ListProblemsRequest, 'category'>) => numbersOf(await list({ category: c, sort: 'number', ...filters }));

      await expect(numbers({})).resolves.toEqual([a.number, b.number, d.number]);
      await expect(numbers({ state: [ProblemState.Assess] })).resolves.toEqual([b.number]);
      await expect(numbers({ state: [ProblemState.New, ProblemState.Assess] })).resolves.toEqual([a.number, b.number, d.number]);
      await expect(numbers({ priority: [Priority.P1, Priority.P3] })).resolves.toEqual([a.number, d.number]);
      await expect(numbers({ assignmentGroup: 'network' })).resolves.toEqual([a.number]);
      await expect(numbers({ assigneeId: 'tom' })).resolves.toEqual([a.number]);
      await expect(numbers({ ciId: mailApp })).resolves.toEqual([b.number]);
      await expect(numbers({ serviceId: payroll })).resolves.toEqual([a.number]);
      await expect(numbers({ knownError: true })).resolves.toEqual([d.number]);
      await expect(numbers({ knownError: false })).resolves.toEqual([a.number, b.number]);
      await expect(numbers({ detected: true })).resolves.toEqual([a.number]);
      await expect(numbers({ detected: false })).resolves.toEqual([b.number, d.number]);
      await expect(numbers({ q: 'tunnel' })).resolves.toEqual([a.number]);
      await expect(numbers({ q: 'bounce' })).resolves.toEqual([b.number]);
      await expect(numbers({ q: 'logins -slow' })).resolves.toEqual([]);
      await expect(numbers({ q: '"mail relay"' })).resolves.toEqual([b.number]);
      await expect(numbersOf(await list({ category: c.toUpperCase(), sort: 'number' }))).toEqual([a.number, b.number, d.number]);
    });

    it('sorts by number, priority, creation and update time, either way', async () => {
      const c = category();
      const low = await h.open({ category: c, impact: 3, urgency: 3 });
      const high = await h.open({ category: c, impact: 1, urgency: 1 });
      const mid = await h.open({ category: c, impact: 2, urgency: 2 });
      await update(low, { title: 'Touched last' });
      const sorted = async (sort: NonNullable<ListProblemsRequest['sort']>) => numbersOf(await list({ category: c, sort }));

      await expect(sorted('number')).resolves.toEqual([low.number, high.number, mid.number]);
      await expect(sorted('-number')).resolves.toEqual([mid.number, high.number, low.number]);
      await expect(sorted('priority')).resolves.toEqual([high.number, mid.number, low.number]);
      await expect(sorted('-priority')).resolves.toEqual([low.number, mid.number, high.number]);
      await expect(sorted('createdAt')).resolves.toEqual([low.number, high.number, mid.number]);
      await expect(numbersOf(await list({ category: c }))).toEqual([mid.number, high.number, low.number]);
      await expect(sorted('-updatedAt')).resolves.toEqual([low.number, mid.number, high.number]);
      await expect(sorted('updatedAt')).resolves.toEqual([high.number, mid.number, low.number]);
    });

    it('pages with a cursor, without gaps or repeats, in every sort, and refuses a cursor of another sort', async () => {
      const c = category();
      const opened: ProblemView[] = [];
      for (let i = 0; i < 5; i += 1) opened.push(await h.open({ category: c, impact: ((i % 3) + 1) as 1 | 2 | 3, urgency: 2 }));
      for (const sort of ['number', '-createdAt', 'priority', '-priority', 'updatedAt'] as const) {
        const all = numbersOf(await list({ category: c, sort }));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list({ category: c, sort, limit: 2, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...numbersOf(page));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(all);
        expect([...seen].sort()).toEqual(opened.map((problem) => problem.number).sort());
      }
      const first = await list({ category: c, sort: 'number', limit: 2 });
      expect(first.nextCursor).not.toBeNull();
      const error = await list({ category: c, sort: '-number', limit: 2, cursor: first.nextCursor ?? '' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['cursor']);
      await expect(list({ category: c, cursor: 'garbage' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    });

    it('refuses invalid filters naming each', async () => {
      const error = await list({ state: ['open'], priority: ['P9'], ciId: 'nope', sort: 'title', limit: 0 } as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['ciId', 'limit', 'priority', 'sort', 'state']);
    });
  });
});

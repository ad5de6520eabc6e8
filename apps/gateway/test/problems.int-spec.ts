/**
 * Problems, known errors, detection rules and problem reports over HTTP: the gateway in-process, the built problem
 * service (and the built incident service, for links) as processes, real NATS and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import {
  CommonErrorCode,
  type DetectionRuleList,
  type DetectionRuleView,
  ErrorCode,
  type IncidentView,
  type KnownErrorPage,
  type KnownErrorView,
  priorityOf,
  type ProblemCommentList,
  type ProblemCommentView,
  ProblemErrorCode,
  type ProblemHistory,
  type ProblemPage,
  ProblemState,
  type ProblemView,
  Role,
} from '@itsm/contracts';
import { freePort, mintToken, type ServiceProcess, serviceTestEnv, spawnApp, waitUntilReady } from '@itsm/testing';
import { expectProblem, GatewayWithService, problemFields, type Reply } from './support/gateway-with-service';

const maria = mintToken({ sub: 'maria', roles: [Role.Manager] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const PERIOD = 'from=2026-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';

describe('problem management through the gateway', () => {
  let h: GatewayWithService;
  let incidentService: ServiceProcess | undefined;

  beforeAll(async () => {
    h = await GatewayWithService.start('problem');
    // Linking asks the incident service whether the incident exists: it runs beside, on the same database and broker.
    const port = await freePort();
    incidentService = spawnApp('incident', serviceTestEnv(h.database, { HEALTH_PORT: String(port) }));
    await waitUntilReady(incidentService, port);
  }, 90_000);

  afterAll(async () => {
    await incidentService?.kill('SIGTERM');
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  /** Rows of the problem schema that a refused request must leave as they were. */
  async function written(): Promise<Record<string, number>> {
    const [row] = await h.database.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM problem.problems) AS problems, (SELECT count(*)::int FROM problem.known_errors) AS "knownErrors",
              (SELECT count(*)::int FROM problem.detection_rules) AS rules, (SELECT count(*)::int FROM problem.problem_comments) AS comments,
              (SELECT count(*)::int FROM problem.problem_incidents) AS links, (SELECT count(*)::int FROM problem.outbox) AS outbox,
              (SELECT coalesce(sum(version), 0)::int FROM problem.problems) AS versions`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  async function open(overrides: Record<string, unknown> = {}, token = sam): Promise<ProblemView> {
    const reply = await h.call<ProblemView>('POST', '/v1/problems', token, { body: { title: 'Mail queue stalls every morning', category: 'email', impact: 2, urgency: 2, ...overrides } });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  function transition(id: string, body: object, token = sam, headers: Record<string, string> = {}): Promise<Reply<ProblemView>> {
    return h.call<ProblemView>('POST', `/v1/problems/${id}/transitions`, token, { body, headers });
  }

  describe('who may call', () => {
    it('refuses a requester every problem route with the same 403, whether the problem exists or not, and writes nothing', async () => {
      const problem = await open();
      const before = await written();
      const routes: Array<[string, string, object?]> = [
        ['GET', '/v1/problems'],
        ['GET', `/v1/problems/${problem.id}`],
        ['GET', `/v1/problems/${randomUUID()}`],
        ['GET', '/v1/problems/PRB0001001'],
        ['GET', `/v1/problems/${problem.id}/history`],
        ['GET', `/v1/problems/${problem.id}/comments`],
        ['POST', '/v1/problems', { title: 'Mine', category: 'email', impact: 1, urgency: 1 }],
        ['PATCH', `/v1/problems/${problem.id}`, { title: 'Mine now' }],
        ['POST', `/v1/problems/${problem.id}/transitions`, { to: 'assess' }],
        ['POST', `/v1/problems/${problem.id}/comments`, { body: 'Me too' }],
        ['POST', `/v1/problems/${problem.id}/incidents`, { incidentId: randomUUID() }],
        ['DELETE', `/v1/problems/${problem.id}/incidents/${randomUUID()}`],
        ['POST', `/v1/problems/${problem.id}/known-error`, { symptoms: 'It stalls.' }],
        ['GET', '/v1/known-errors?q=mail'],
        ['GET', `/v1/known-errors/${randomUUID()}`],
        ['GET', '/v1/problems/detection-rules'],
        ['GET', `/v1/problems/detection-rules/${randomUUID()}`],
        ['GET', `/v1/reports/problems/candidates?${PERIOD}`],
      ];

      for (const [method, path, body] of routes) {
        const refused = expectProblem(await h.call(method, path, alice, body ? { body } : {}), 403, ErrorCode.FORBIDDEN);
        expect({ route: `${method} ${path}`, reason: refused['reason'] }).toEqual({ route: `${method} ${path}`, reason: CommonErrorCode.RoleRequired });
      }
      const [existing, unknown] = await Promise.all([h.call('GET', `/v1/problems/${problem.id}`, alice), h.call('GET', `/v1/problems/${randomUUID()}`, alice)]);
      const { instance: _existingPath, ...aboutExisting } = expectProblem(existing, 403, ErrorCode.FORBIDDEN);
      const { instance: _unknownPath, ...aboutUnknown } = expectProblem(unknown, 403, ErrorCode.FORBIDDEN);
      expect(aboutExisting).toEqual(aboutUnknown);
      await expect(written()).resolves.toEqual(before);
    });

    it('keeps known errors and detection rules to managers and admins: an agent is refused with 403 and nothing changes', async () => {
      const problem = await open({ rootCause: 'The archive job holds the queue lock.', workaround: 'Restart the queue runner.' });
      const before = await written();
      const rule = { name: 'Three mail incidents in an hour', scope: 'ci', category: 'email', threshold: 3, windowHours: 1 };

      for (const [method, path, body] of [
        ['POST', '/v1/problems/detection-rules', rule],
        ['PUT', `/v1/problems/detection-rules/${randomUUID()}`, rule],
        ['DELETE', `/v1/problems/detection-rules/${randomUUID()}`, undefined],
        ['POST', `/v1/problems/${problem.id}/known-error`, { symptoms: 'Mail waits in the outbox until 8:30.' }],
        ['POST', `/v1/known-errors/${randomUUID()}/retire`, { reason: 'Fixed for good.' }],
      ] as const) {
        expectProblem(await h.call(method, path, sam, body ? { body } : {}), 403, ErrorCode.FORBIDDEN);
      }

      await expect(written()).resolves.toEqual(before);
    });
  });

  describe('input the gateway refuses without asking the service', () => {
    it.each([
      ['an impact out of range', { impact: 7 }, ['impact']],
      ['no title', { title: undefined }, ['title']],
      ['an unknown field', { severity: 'sev1' }, ['severity']],
      ['a CI id that is not a UUID', { ciIds: ['mail-01'] }, ['ciIds']],
      ['a category with a line break', { category: 'email\nand more' }, ['category']],
    ])('refuses a new problem with %s: 400 naming the field, writing nothing', async (_label, change, fields) => {
      const before = await written();

      const reply = await h.call('POST', '/v1/problems', sam, { body: { title: 'Mail queue stalls', category: 'email', impact: 2, urgency: 2, ...change } });

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      await expect(written()).resolves.toEqual(before);
    });

    it.each([
      ['GET', '/v1/problems/PRB0001001', ['id']],
      ['GET', `/v1/problems/${randomUUID()}/history?limit=5`, ['limit']],
      ['GET', `/v1/problems/${randomUUID()}?expand=incidents`, ['expand']],
      ['DELETE', `/v1/problems/${randomUUID()}/incidents/INC0001001`, ['incidentId']],
      ['GET', '/v1/problems?state=open', ['state']],
      ['GET', '/v1/problems?priority=P1,P9', ['priority']],
      ['GET', '/v1/problems?sort=-title', ['sort']],
      ['GET', '/v1/problems?knownError=maybe', ['knownError']],
      ['GET', '/v1/problems?ciId=mail-01', ['ciId']],
      ['GET', '/v1/problems?limit=0', ['limit']],
      ['GET', '/v1/problems?owner=sam', ['owner']],
      ['GET', '/v1/known-errors/KE0001001', ['id']],
      ['GET', '/v1/known-errors?state=draft', ['state']],
      ['GET', '/v1/known-errors?problemId=x', ['problemId']],
      ['GET', '/v1/problems/detection-rules?enabled=yes', ['enabled']],
      ['GET', '/v1/problems/detection-rules/not-a-rule', ['id']],
      ['GET', '/v1/reports/problems/recurring?from=2026-11-01T00:00:00Z', ['to']],
      ['GET', `/v1/reports/problems/recurring?${PERIOD}&limit=101`, ['limit']],
      ['GET', `/v1/reports/problems/candidates?${PERIOD}&limit=5`, ['limit']],
      ['GET', '/v1/reports/problems/time-to-root-cause?from=yesterday&to=2026-12-01T00:00:00Z', ['from']],
    ])('refuses %s %s with 400 naming %j', async (method, path, fields) => {
      const reply = await h.call(method, path, sam);

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
    });

    it('refuses a malformed If-Match and Idempotency-Key with 400 naming the header, writing nothing', async () => {
      const problem = await open();
      const before = await written();

      const ifMatch = await h.call('PATCH', `/v1/problems/${problem.id}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': 'version-1' } });
      const key = await h.call('POST', '/v1/problems', sam, { body: { title: 'Mail', category: 'email', impact: 2, urgency: 2 }, headers: { 'idempotency-key': 'two words' } });

      expectProblem(ifMatch, 400, ErrorCode.VALIDATION);
      expectProblem(key, 400, ErrorCode.VALIDATION);
      expect([problemFields(ifMatch), problemFields(key)]).toEqual([['If-Match'], ['Idempotency-Key']]);
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses a body that is not JSON with 415 naming Content-Type, on create and on a transition', async () => {
      const before = await written();

      const create = await h.call('POST', '/v1/problems', sam, { body: 'title=Mail', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const move = await h.call('POST', `/v1/problems/${randomUUID()}/transitions`, sam, { body: 'to=assess', headers: { 'content-type': 'text/plain' } });

      expectProblem(create, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expectProblem(move, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expect([problemFields(create), problemFields(move)]).toEqual([['Content-Type'], ['Content-Type']]);
      await expect(written()).resolves.toEqual(before);
    });
  });

  describe('problems', () => {
    it('opens a problem: 201 with Location and ETag "1", readable there with the same ETag, priority from the matrix', async () => {
      const created = await h.call<ProblemView>('POST', '/v1/problems', sam, { body: { title: 'VPN gateway drops tunnels under load', category: 'network', impact: 1, urgency: 2, assignmentGroup: 'network-ops' } });

      expect(created).toMatchObject({
        status: 201,
        body: { number: expect.stringMatching(/^PRB\d{7}$/), state: ProblemState.New, priority: priorityOf(1, 2), openedBy: 'sam', detected: false, incidentIds: [], knownError: null, version: 1 },
      });
      expect([created.headers.get('location'), created.headers.get('etag')]).toEqual([`/v1/problems/${created.body.id}`, '"1"']);
      const read = await h.call<ProblemView>('GET', created.headers.get('location') ?? '', maria);
      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(read.headers.get('etag')).toBe('"1"');
      await expect(h.database.query('SELECT title, state, assignment_group FROM problem.problems WHERE id = $1', [created.body.id])).resolves.toEqual([
        { title: 'VPN gateway drops tunnels under load', state: 'new', assignment_group: 'network-ops' },
      ]);
    });

    it('answers a retry with the same Idempotency-Key with the problem the first request opened, and another body with 422', async () => {
      const key = randomUUID();
      const body = { title: 'Printer queue jams', category: 'printing', impact: 3, urgency: 3 };

      const first = await h.call<ProblemView>('POST', '/v1/problems', sam, { body, headers: { 'idempotency-key': key } });
      const retry = await h.call<ProblemView>('POST', '/v1/problems', sam, { body, headers: { 'idempotency-key': key } });
      const other = await h.call('POST', '/v1/problems', sam, { body: { ...body, title: 'Another' }, headers: { 'idempotency-key': key } });

      expect([first.status, retry.status, retry.body.id]).toEqual([201, 201, first.body.id]);
      expectProblem(other, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(other)).toEqual(['Idempotency-Key']);
      await expect(h.database.query(`SELECT count(*)::int AS n FROM problem.problems WHERE title = 'Printer queue jams'`)).resolves.toEqual([{ n: 1 }]);
    });

    it('answers an unknown problem with 404 PROBLEM_NOT_FOUND', async () => {
      const body = expectProblem(await h.call('GET', `/v1/problems/${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);

      expect(body['reason']).toBe(ProblemErrorCode.NotFound);
    });

    it('honours If-Match on a change: 412 for a stale version and nothing changed, 200 with ETag "2" for the current one', async () => {
      const problem = await open();

      expectProblem(await h.call('PATCH', `/v1/problems/${problem.id}`, sam, { body: { assigneeId: 'tom' }, headers: { 'if-match': '"7"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      await expect(h.database.query('SELECT assignee_id, version FROM problem.problems WHERE id = $1', [problem.id])).resolves.toEqual([{ assignee_id: null, version: 1 }]);

      const changed = await h.call<ProblemView>('PATCH', `/v1/problems/${problem.id}`, sam, { body: { assigneeId: 'tom', rootCause: 'The archive job holds the queue lock.' }, headers: { 'if-match': '"1"' } });

      expect(changed).toMatchObject({ status: 200, body: { assigneeId: 'tom', rootCause: 'The archive job holds the queue lock.', rootCauseIdentifiedAt: expect.any(String), version: 2 } });
      expect(changed.headers.get('etag')).toBe('"2"');
    });

    it('moves a problem through its states, refusing a move it does not have with 409 and the allowed targets', async () => {
      const problem = await open();

      const skipped = expectProblem(await transition(problem.id, { to: 'closed' }), 409, ErrorCode.INVALID_TRANSITION);
      expect(skipped).toMatchObject({ reason: ProblemErrorCode.InvalidTransition, allowed: expect.arrayContaining([ProblemState.Assess, ProblemState.Canceled]) });
      expectProblem(await transition(problem.id, { to: 'assess' }, sam, { 'if-match': '"9"' }), 412, ErrorCode.PRECONDITION_FAILED);

      const assessed = await transition(problem.id, { to: 'assess' }, sam, { 'if-match': '"1"' });
      expect(assessed).toMatchObject({ status: 200, body: { state: ProblemState.Assess, version: 2 } });
      expect(assessed.headers.get('etag')).toBe('"2"');
      await expect(transition(problem.id, { to: 'root_cause_analysis' })).resolves.toMatchObject({ status: 200, body: { state: ProblemState.RootCauseAnalysis } });

      const early = expectProblem(await transition(problem.id, { to: 'fix_in_progress' }), 422, ErrorCode.UNPROCESSABLE);
      expect(early).toMatchObject({ reason: ProblemErrorCode.RootCauseRequired, field: 'rootCause' });
    });

    it('lets only managers cancel: an agent gets 403 PROBLEM_CANCEL_FORBIDDEN, a manager cancels with a reason', async () => {
      const problem = await open();

      const refused = expectProblem(await transition(problem.id, { to: 'canceled', reason: 'Opened by mistake.' }), 403, ErrorCode.FORBIDDEN);
      const canceled = await transition(problem.id, { to: 'canceled', reason: 'Opened by mistake.' }, maria);

      expect(refused['reason']).toBe(ProblemErrorCode.CancelForbidden);
      expect(canceled).toMatchObject({ status: 200, body: { state: ProblemState.Canceled, cancelReason: 'Opened by mistake.', canceledAt: expect.any(String) } });
    });

    it('lists problems by filters and sort, a page at a time', async () => {
      const category = `mail-${randomUUID().slice(0, 8)}`;
      const opened = [await open({ category }), await open({ category, impact: 1, urgency: 1 }), await open({ category })];

      const first = await h.call<ProblemPage>('GET', `/v1/problems?category=${category}&sort=number&limit=2`, sam);
      const second = await h.call<ProblemPage>('GET', `/v1/problems?category=${category}&sort=number&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`, sam);
      const urgent = await h.call<ProblemPage>('GET', `/v1/problems?category=${category}&priority=P1&state=new,assess&knownError=false&detected=false`, sam);

      expect(first).toMatchObject({ status: 200, body: { items: opened.slice(0, 2).map(({ id }) => ({ id })), nextCursor: expect.any(String) } });
      expect(second).toMatchObject({ status: 200, body: { items: [{ id: opened[2]?.id }], nextCursor: null } });
      expect(urgent.body.items.map(({ id }) => id)).toEqual([opened[1]?.id]);
    });

    it('adds comments and work notes, lists them oldest first, and shows them in the history', async () => {
      const problem = await open();

      const comment = await h.call<ProblemCommentView>('POST', `/v1/problems/${problem.id}/comments`, sam, { body: { body: 'Seen again at 8:05.' } });
      const note = await h.call<ProblemCommentView>('POST', `/v1/problems/${problem.id}/comments`, maria, { body: { body: 'Vendor ticket 4711 opened.', visibility: 'internal' } });

      expect([comment.status, comment.headers.get('location'), note.status]).toEqual([201, null, 201]);
      await expect(h.call<ProblemCommentList>('GET', `/v1/problems/${problem.id}/comments`, sam)).resolves.toMatchObject({
        status: 200,
        body: { items: [{ body: 'Seen again at 8:05.', visibility: 'public', authorId: 'sam' }, { body: 'Vendor ticket 4711 opened.', visibility: 'internal', authorId: 'maria' }] },
      });
      const history = await h.call<ProblemHistory>('GET', `/v1/problems/${problem.id}/history`, sam);
      expect(history.status).toBe(200);
      expect(history.body.items.map((entry) => entry.action)).toEqual(expect.arrayContaining(['created', 'comment_added']));
    });
  });

  describe('linked incidents', () => {
    it('links an existing incident and unlinks it, each bumping the ETag; refuses an unknown one with 422 and an unlinked one with 404', async () => {
      const problem = await open();
      const incident = (await h.call<IncidentView>('POST', '/v1/incidents', sam, { body: { title: 'Mail stuck in the outbox', impact: 2, urgency: 2 } })).body;

      const unknown = expectProblem(await h.call('POST', `/v1/problems/${problem.id}/incidents`, sam, { body: { incidentId: randomUUID() } }), 422, ErrorCode.UNPROCESSABLE);
      expect(unknown['reason']).toBe(ProblemErrorCode.UnknownIncidents);

      const linked = await h.call<ProblemView>('POST', `/v1/problems/${problem.id}/incidents`, sam, { body: { incidentId: incident.id }, headers: { 'if-match': '"1"' } });
      expect(linked).toMatchObject({ status: 200, body: { incidentIds: [incident.id], version: 2 } });
      expect(linked.headers.get('etag')).toBe('"2"');

      const unlinked = await h.call<ProblemView>('DELETE', `/v1/problems/${problem.id}/incidents/${incident.id}`, sam, { headers: { 'if-match': '"2"' } });
      expect(unlinked).toMatchObject({ status: 200, body: { incidentIds: [], version: 3 } });
      const again = expectProblem(await h.call('DELETE', `/v1/problems/${problem.id}/incidents/${incident.id}`, sam), 404, ErrorCode.NOT_FOUND);
      expect(again['reason']).toBe(ProblemErrorCode.IncidentNotLinked);
    });
  });

  describe('known errors', () => {
    it('publishes a known error (201 with Location), finds it by its symptoms, and retires it once', async () => {
      const problem = await open({ title: 'Calendar sync loses invitations' });
      const incomplete = expectProblem(await h.call('POST', `/v1/problems/${problem.id}/known-error`, maria, { body: { symptoms: 'Invitations vanish.' } }), 422, ErrorCode.UNPROCESSABLE);
      expect(incomplete['reason']).toBe(ProblemErrorCode.KnownErrorIncomplete);
      await h.call('PATCH', `/v1/problems/${problem.id}`, sam, { body: { rootCause: 'The sync token expires after an hour.', workaround: 'Sign out of the calendar app and in again.' } });

      const published = await h.call<KnownErrorView>('POST', `/v1/problems/${problem.id}/known-error`, maria, { body: { symptoms: 'Meeting invitations vanish from the phone calendar after lunch.' } });

      expect(published).toMatchObject({ status: 201, body: { number: expect.stringMatching(/^KE\d{7}$/), problemId: problem.id, title: 'Calendar sync loses invitations', state: 'published' } });
      expect([published.headers.get('location'), published.headers.get('etag')]).toEqual([`/v1/known-errors/${published.body.id}`, `"${published.body.version}"`]);
      await expect(h.call<KnownErrorView>('GET', `/v1/known-errors/${published.body.id}`, sam)).resolves.toMatchObject({ status: 200, body: published.body });
      expectProblem(await h.call('POST', `/v1/problems/${problem.id}/known-error`, maria, { body: { symptoms: 'Again.' } }), 409, ErrorCode.CONFLICT);

      const found = await h.call<KnownErrorPage>('GET', '/v1/known-errors?q=invitations%20vanish&state=published', sam);
      expect(found.status).toBe(200);
      expect(found.body.items[0]).toMatchObject({ id: published.body.id, snippet: expect.stringContaining('<b>'), rank: expect.any(Number) });

      const retired = await h.call<KnownErrorView>('POST', `/v1/known-errors/${published.body.id}/retire`, maria, { body: { reason: 'Sync token lifetime raised.' } });
      expect(retired).toMatchObject({ status: 200, body: { state: 'retired', retireReason: 'Sync token lifetime raised.' } });
      const twice = expectProblem(await h.call('POST', `/v1/known-errors/${published.body.id}/retire`, maria, { body: { reason: 'Once more.' } }), 409, ErrorCode.CONFLICT);
      expect(twice['reason']).toBe(ProblemErrorCode.KnownErrorRetired);
    });
  });

  describe('detection rules', () => {
    it('serves the rules at /v1/problems/detection-rules, not as a problem id, the seeded default among them', async () => {
      const rules = await h.call<DetectionRuleList>('GET', '/v1/problems/detection-rules', sam);

      expect(rules.status).toBe(200);
      expect(rules.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ scope: 'ci', serviceId: null, category: null, threshold: 5, windowHours: 24, enabled: true })]));
    });

    it('adds a rule (201 with Location), replaces it under If-Match, refuses a taken name with 409 and removes it', async () => {
      const rule = { name: `Mail: 3 incidents in an hour ${randomUUID().slice(0, 8)}`, scope: 'service', category: 'email', threshold: 3, windowHours: 1 };

      const created = await h.call<DetectionRuleView>('POST', '/v1/problems/detection-rules', maria, { body: rule });
      expect(created).toMatchObject({ status: 201, body: { ...rule, serviceId: null, enabled: true, version: 1 } });
      expect([created.headers.get('location'), created.headers.get('etag')]).toEqual([`/v1/problems/detection-rules/${created.body.id}`, '"1"']);
      const path = created.headers.get('location') ?? '';
      await expect(h.call('GET', path, sam)).resolves.toMatchObject({ status: 200, body: created.body });
      expectProblem(await h.call('POST', '/v1/problems/detection-rules', maria, { body: rule }), 409, ErrorCode.CONFLICT);

      expectProblem(await h.call('PUT', path, maria, { body: { ...rule, threshold: 4 }, headers: { 'if-match': '"5"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const replaced = await h.call<DetectionRuleView>('PUT', path, maria, { body: { ...rule, threshold: 4, enabled: false }, headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { threshold: 4, enabled: false, version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');
      await expect(h.call<DetectionRuleList>('GET', '/v1/problems/detection-rules?enabled=false', sam)).resolves.toMatchObject({ body: { items: [{ id: created.body.id }] } });

      await expect(h.call('DELETE', path, maria)).resolves.toMatchObject({ status: 200, body: { id: created.body.id } });
      expectProblem(await h.call('GET', path, sam), 404, ErrorCode.NOT_FOUND);
    });
  });

  describe('reports', () => {
    it.each(['recurring', 'incidents-per-problem', 'time-to-root-cause', 'known-errors-in-use', 'candidates'])('answers /v1/reports/problems/%s for a period, and 400 naming `to` for one that ends before it starts', async (report) => {
      const answered = await h.call<{ from: string; to: string }>('GET', `/v1/reports/problems/${report}?${PERIOD}`, sam);
      const backwards = await h.call('GET', `/v1/reports/problems/${report}?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, sam);

      expect(answered).toMatchObject({ status: 200, body: { from: expect.any(String), to: expect.any(String) } });
      expectProblem(backwards, 400, ErrorCode.VALIDATION);
      expect(problemFields(backwards)).toEqual(['to']);
    });
  });
});

/** The service desk as its users see it: the built gateway and incident service as processes, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import {
  type CloudEvent,
  type CommentList,
  CommentVisibility,
  type CreatedIncidentView,
  ErrorCode,
  EVENT_SUBJECT_ROOT,
  HoldReason,
  Impact,
  type IncidentAssignedV1,
  type IncidentClosedV1,
  type IncidentCommentAddedV1,
  type IncidentCounts,
  IncidentEvents,
  type IncidentHistory,
  type IncidentMajorChangedV1,
  type IncidentPage,
  IncidentState,
  type IncidentStateChangedV1,
  type IncidentView,
  Priority,
  ResolutionCode,
  Role,
  Urgency,
} from '@itsm/contracts';
import { buildCreateIncident, mintToken, readEvents, type StoredMessage, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
const bob = mintToken({ sub: 'bob', name: 'Bob Jones', roles: [Role.Requester] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const maria = mintToken({ sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] });

const INCIDENT_EVENTS = `${EVENT_SUBJECT_ROOT}.incident.>`;


interface ProblemBody {
  type: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  errors?: Array<{ field: string; message: string }>;
}

interface Written {
  incidents: number;
  outbox: number;
  comments: number;
  audit: number;
  idempotencyKeys: number;
}

describe('the service desk through the gateway, with the incident service behind it', () => {
  let suite: RunningSuite;
  let client: GatewayClient;

  beforeAll(async () => {
    suite = await startSuite(['incident']);
    client = new GatewayClient(suite.baseUrl);
  }, 60_000);

  afterAll(async () => {
    const codes = await suite.stop();
    expect(codes).toEqual({ incident: 0, gateway: 0 });
  }, 30_000);


  async function open(token: string, overrides: Parameters<typeof buildCreateIncident>[0] = {}): Promise<CreatedIncidentView> {
    const reply = await client.call<CreatedIncidentView>('POST', '/v1/incidents', token, { body: buildCreateIncident(overrides) });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  async function transition(id: string, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply<IncidentView>> {
    return client.call<IncidentView>('POST', `/v1/incidents/${id}/transitions`, token, { body, headers });
  }

  function expectProblem(reply: Reply, status: number, code: ErrorCode): ProblemBody {
    expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
    const problem = reply.body as ProblemBody;
    expect(problem).toMatchObject({ status, code });
    return problem;
  }

  function fieldsOf(problem: ProblemBody): string[] {
    return (problem.errors ?? []).map((error) => error.field);
  }

  async function written(): Promise<Written> {
    const [row] = await suite.database.query<Written>(
      `SELECT (SELECT count(*)::int FROM incident.incidents) AS incidents,
              (SELECT count(*)::int FROM incident.outbox) AS outbox,
              (SELECT count(*)::int FROM incident.incident_comments) AS comments,
              (SELECT count(*)::int FROM incident.audit_log) AS audit,
              (SELECT count(*)::int FROM incident.idempotency_keys) AS "idempotencyKeys"`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  /** The events about one incident on the stream, oldest first, once at least `count` have arrived. */
  async function eventsAbout(id: string, count: number): Promise<Array<StoredMessage<CloudEvent>>> {
    return waitFor(
      async () => {
        const found = (await readEvents(suite.nc, INCIDENT_EVENTS)).filter((message) => message.body.subject === id);
        return found.length >= count ? found : undefined;
      },
      { what: `${count} events about incident ${id}` },
    );
  }

  describe('an incident from report to closure', () => {
    let incident: CreatedIncidentView;

    it('lets a requester open an incident, and an agent work it through to resolved', async () => {
      incident = await open(alice, { title: 'Payroll portal returns 502', impact: Impact.High, urgency: Urgency.Medium });
      expect(incident).toMatchObject({ state: IncidentState.New, priority: Priority.P2, callerId: 'alice', openedById: 'alice', assigneeId: null, version: 1 });
      const path = `/v1/incidents/${incident.id}`;

      const assigned = await client.call<IncidentView>('PATCH', path, sam, { body: { assigneeId: 'sam' } });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ assigneeId: 'sam', reassignmentCount: 0, version: 2 });
      expect(assigned.body.respondedAt).not.toBeNull();

      const started = await transition(incident.id, sam, { to: IncidentState.InProgress });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ state: IncidentState.InProgress, version: 3 });

      const note = await client.call('POST', `${path}/comments`, sam, { body: { body: 'Load balancer pool drained one node; checking upstream.', visibility: CommentVisibility.Internal } });
      expect(note).toMatchObject({ status: 201, body: { visibility: CommentVisibility.Internal, authorId: 'sam', incidentId: incident.id } });
      const comment = await client.call('POST', `${path}/comments`, sam, { body: { body: 'Could you tell us since when you see the error?', visibility: CommentVisibility.Public } });
      expect(comment).toMatchObject({ status: 201, body: { visibility: CommentVisibility.Public, authorId: 'sam' } });

      const held = await transition(incident.id, sam, { to: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller });
      expect(held.body).toMatchObject({ state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller });
      const resumed = await transition(incident.id, sam, { to: IncidentState.InProgress });
      expect(resumed.body).toMatchObject({ state: IncidentState.InProgress, holdReason: null });
      const resolved = await transition(incident.id, sam, {
        to: IncidentState.Resolved,
        resolutionCode: ResolutionCode.PermanentFix,
        resolutionNotes: 'Returned the drained node to the pool and fixed its health check.',
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ state: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, holdReason: null });
      expect(resolved.headers.get('etag')).toBe(`"${resolved.body.version}"`);
    });

    it('shows the requester the resolved incident and the public comment, never the work note', async () => {
      const read = await client.call<IncidentView>('GET', `/v1/incidents/${incident.id}`, alice);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ state: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Returned the drained node to the pool and fixed its health check.' });
      expect(read.body.resolvedAt).not.toBeNull();

      const asRequester = await client.call<CommentList>('GET', `/v1/incidents/${incident.id}/comments`, alice);
      expect(asRequester.status).toBe(200);
      expect(asRequester.body.items.map((item) => [item.visibility, item.body])).toEqual([[CommentVisibility.Public, 'Could you tell us since when you see the error?']]);

      const asAgent = await client.call<CommentList>('GET', `/v1/incidents/${incident.id}/comments`, sam);
      expect(asAgent.body.items.map((item) => item.visibility)).toEqual([CommentVisibility.Internal, CommentVisibility.Public]);
    });

    it('lists every change in the history in order with who made it, hiding the work note from the requester', async () => {
      const asAgent = await client.call<IncidentHistory>('GET', `/v1/incidents/${incident.id}/history`, sam);
      expect(asAgent.status).toBe(200);
      const entries = asAgent.body.items;
      expect(entries.map((entry) => [entry.action, entry.actorId])).toEqual([
        ['created', 'alice'],
        ['updated', 'sam'],
        ['state_changed', 'sam'],
        ['comment_added', 'sam'],
        ['comment_added', 'sam'],
        ['state_changed', 'sam'],
        ['state_changed', 'sam'],
        ['state_changed', 'sam'],
      ]);
      const [created, assigned, started, note, comment, held, resumed, resolved] = entries;
      expect(created?.changes).toEqual(expect.arrayContaining([{ field: 'state', from: null, to: IncidentState.New }, { field: 'callerId', from: null, to: 'alice' }]));
      expect(assigned?.changes).toEqual(expect.arrayContaining([{ field: 'assigneeId', from: null, to: 'sam' }]));
      expect(assigned?.changes.map((change) => change.field).sort()).toEqual(['assigneeId', 'respondedAt']);
      expect(started?.changes).toEqual([{ field: 'state', from: IncidentState.New, to: IncidentState.InProgress }]);
      expect(note?.comment).toMatchObject({ visibility: CommentVisibility.Internal, authorId: 'sam' });
      expect(comment?.comment).toMatchObject({ visibility: CommentVisibility.Public, authorId: 'sam' });
      expect(held?.changes).toEqual([
        { field: 'state', from: IncidentState.InProgress, to: IncidentState.OnHold },
        { field: 'holdReason', from: null, to: HoldReason.AwaitingCaller },
      ]);
      expect(resumed?.changes).toEqual([
        { field: 'state', from: IncidentState.OnHold, to: IncidentState.InProgress },
        { field: 'holdReason', from: HoldReason.AwaitingCaller, to: null },
      ]);
      expect(resolved?.changes).toEqual(
        expect.arrayContaining([
          { field: 'state', from: IncidentState.InProgress, to: IncidentState.Resolved },
          { field: 'resolutionCode', from: null, to: ResolutionCode.PermanentFix },
          { field: 'resolutionNotes', from: null, to: 'Returned the drained node to the pool and fixed its health check.' },
        ]),
      );
      expect(entries.map((entry) => entry.at)).toEqual([...entries.map((entry) => entry.at)].sort());

      const asRequester = await client.call<IncidentHistory>('GET', `/v1/incidents/${incident.id}/history`, alice);
      expect(asRequester.status).toBe(200);
      expect(asRequester.body.items).toEqual(entries.filter((entry) => entry.comment?.visibility !== CommentVisibility.Internal));
      expect(asRequester.body.items).toHaveLength(entries.length - 1);
    });

    it('lets the requester accept the resolution, which closes the incident for good', async () => {
      const closed = await transition(incident.id, alice, { to: IncidentState.Closed });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ state: IncidentState.Closed });
      expect(closed.body.closedAt).not.toBeNull();

      const [row] = await suite.database.query<{ state: string; assignee_id: string; resolution_code: string; closed: boolean }>(
        `SELECT state, assignee_id, resolution_code, closed_at IS NOT NULL AS closed FROM incident.incidents WHERE id = $1`,
        [incident.id],
      );
      expect(row).toEqual({ state: IncidentState.Closed, assignee_id: 'sam', resolution_code: ResolutionCode.PermanentFix, closed: true });

      const history = await client.call<IncidentHistory>('GET', `/v1/incidents/${incident.id}/history`, sam);
      expect(history.body.items.at(-1)).toMatchObject({ action: 'state_changed', actorId: 'alice', changes: expect.arrayContaining([{ field: 'state', from: IncidentState.Resolved, to: IncidentState.Closed }]) });
    });

    it('publishes created, assigned, each state change, both comments and closed on the bus, in order', async () => {
      const events = await eventsAbout(incident.id, 11);
      expect(events.map((message) => message.body.type)).toEqual([
        IncidentEvents.created.type,
        IncidentEvents.updated.type,
        IncidentEvents.assigned.type,
        IncidentEvents.stateChanged.type,
        IncidentEvents.commentAdded.type,
        IncidentEvents.commentAdded.type,
        IncidentEvents.stateChanged.type,
        IncidentEvents.stateChanged.type,
        IncidentEvents.stateChanged.type,
        IncidentEvents.stateChanged.type,
        IncidentEvents.closed.type,
      ]);
      const ofType = <T>(type: string): T[] => events.filter((message) => message.body.type === type).map((message) => message.body.data as T);

      const [assigned] = ofType<IncidentAssignedV1>(IncidentEvents.assigned.type);
      expect(assigned).toMatchObject({ previousAssigneeId: null, reassignment: false, incident: { assigneeId: 'sam' } });
      expect(ofType<IncidentStateChangedV1>(IncidentEvents.stateChanged.type).map(({ from, to }) => [from, to])).toEqual([
        [IncidentState.New, IncidentState.InProgress],
        [IncidentState.InProgress, IncidentState.OnHold],
        [IncidentState.OnHold, IncidentState.InProgress],
        [IncidentState.InProgress, IncidentState.Resolved],
        [IncidentState.Resolved, IncidentState.Closed],
      ]);
      expect(ofType<IncidentCommentAddedV1>(IncidentEvents.commentAdded.type).map(({ comment }) => comment.visibility)).toEqual([CommentVisibility.Internal, CommentVisibility.Public]);
      expect(ofType<IncidentClosedV1>(IncidentEvents.closed.type)).toEqual([expect.objectContaining({ automatic: false, incident: expect.objectContaining({ state: IncidentState.Closed }) })]);
    });
  });

  describe('optimistic concurrency with ETag and If-Match', () => {
    it('refuses a change based on a stale ETag with 412 and changes nothing, and applies one based on the current ETag', async () => {
      const incident = await open(alice);
      const path = `/v1/incidents/${incident.id}`;
      const first = await client.call<IncidentView>('PATCH', path, sam, { body: { category: 'network' } });
      expect(first.status).toBe(200);

      const read = await client.call<IncidentView>('GET', path, sam);
      expect(read.headers.get('etag')).toBe('"2"');
      expect(read.body.version).toBe(2);

      const before = await written();
      const stale = await client.call('PATCH', path, sam, { body: { title: 'Edited from an outdated screen' }, headers: { 'if-match': '"1"' } });
      expectProblem(stale, 412, ErrorCode.PRECONDITION_FAILED);
      await expect(written()).resolves.toEqual(before);
      const unchanged = await client.call<IncidentView>('GET', path, sam);
      expect(unchanged.headers.get('etag')).toBe('"2"');
      expect(unchanged.body).toEqual(read.body);

      const current = await client.call<IncidentView>('PATCH', path, sam, { body: { title: 'Edited from the current screen' }, headers: { 'if-match': '"2"' } });
      expect(current.status).toBe(200);
      expect(current.headers.get('etag')).toBe('"3"');
      expect(current.body).toMatchObject({ title: 'Edited from the current screen', version: 3 });
    });
  });

  describe('Idempotency-Key on create', () => {
    it('answers a retry with the same key and body with the incident the first request created, writing it once', async () => {
      const key = randomUUID();
      const body = buildCreateIncident({ title: `Badge reader at door ${key.slice(0, 8)} rejects every card` });
      const first = await client.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body, headers: { 'idempotency-key': key } });
      const retry = await client.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body, headers: { 'idempotency-key': key } });
      expect([first.status, retry.status]).toEqual([201, 201]);
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.headers.get('location')).toBe(`/v1/incidents/${first.body.id}`);

      const rows = await suite.database.query<{ id: string }>(`SELECT id FROM incident.incidents WHERE title = $1`, [body.title]);
      expect(rows).toEqual([{ id: first.body.id }]);
      await eventsAbout(first.body.id, 1);
      // The relay polls every 200 ms: a second creation would have been published by now.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const created = (await readEvents(suite.nc, IncidentEvents.created.subject)).filter((message) => message.body.subject === first.body.id);
      expect(created).toHaveLength(1);
    });

    it('creates one incident when two requests with the same key arrive at once', async () => {
      const key = randomUUID();
      const body = buildCreateIncident({ title: `Two clicks on submit ${key.slice(0, 8)}` });
      const replies = await Promise.all([1, 2].map(() => client.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body, headers: { 'idempotency-key': key } })));
      expect(replies.map((reply) => reply.status)).toEqual([201, 201]);
      expect(replies[1]?.body.id).toBe(replies[0]?.body.id);
      const rows = await suite.database.query<{ id: string }>(`SELECT id FROM incident.incidents WHERE title = $1`, [body.title]);
      expect(rows).toHaveLength(1);
    });

    it('keeps keys apart per caller: another requester with the same key and body gets an incident of their own', async () => {
      const key = randomUUID();
      const body = buildCreateIncident();
      const mine = await client.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body, headers: { 'idempotency-key': key } });
      const theirs = await client.call<CreatedIncidentView>('POST', '/v1/incidents', bob, { body, headers: { 'idempotency-key': key } });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect(theirs.body.callerId).toBe('bob');
    });

    it('refuses the same key with a different body with 422 and writes nothing', async () => {
      const key = randomUUID();
      const first = await client.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body: buildCreateIncident(), headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const before = await written();
      const other = await client.call('POST', '/v1/incidents', alice, { body: buildCreateIncident({ title: 'Something else entirely' }), headers: { 'idempotency-key': key } });
      const problem = expectProblem(other, 422, ErrorCode.UNPROCESSABLE);
      expect(fieldsOf(problem)).toEqual(['Idempotency-Key']);
      await expect(written()).resolves.toEqual(before);
    });
  });

  describe('bad input', () => {
    let before: Written;

    beforeEach(async () => {
      before = await written();
    });

    afterEach(async () => {
      // Every refusal leaves the incidents, comments, audit trail and outbox as they were.
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses an unknown field in the body with 400 naming it', async () => {
      const problem = expectProblem(await client.call('POST', '/v1/incidents', alice, { body: { ...buildCreateIncident(), severity: 'sev1' } }), 400, ErrorCode.VALIDATION);
      expect(fieldsOf(problem)).toEqual(['severity']);
      expect(problem.instance).toBe('/v1/incidents');
    });

    it('refuses a channel that is not one of the enum with 400 naming channel', async () => {
      const problem = expectProblem(await client.call('POST', '/v1/incidents', alice, { body: { ...buildCreateIncident(), channel: 'fax' } }), 400, ErrorCode.VALIDATION);
      expect(new Set(fieldsOf(problem))).toEqual(new Set(['channel']));
    });

    it.each([0, 4, 2.5, '1'])('refuses impact %p with 400 naming impact', async (impact) => {
      const problem = expectProblem(await client.call('POST', '/v1/incidents', alice, { body: { ...buildCreateIncident(), impact } }), 400, ErrorCode.VALIDATION);
      expect(new Set(fieldsOf(problem))).toEqual(new Set(['impact']));
    });

    describe('on an existing incident', () => {
      let incident: CreatedIncidentView;
      let working: IncidentView;

      beforeAll(async () => {
        incident = await open(alice);
        const created = await open(alice);
        const started = await transition(created.id, sam, { to: IncidentState.InProgress });
        expect(started.status).toBe(200);
        working = started.body;
      });

      it('refuses a move to resolved without resolutionNotes with 400 naming resolutionNotes', async () => {
        const problem = expectProblem(await transition(working.id, sam, { to: IncidentState.Resolved, resolutionCode: ResolutionCode.Workaround }), 400, ErrorCode.VALIDATION);
        expect(fieldsOf(problem)).toEqual(['resolutionNotes']);
        await expect(client.call<IncidentView>('GET', `/v1/incidents/${working.id}`, sam)).resolves.toMatchObject({ body: { state: IncidentState.InProgress, version: working.version } });
      });

      it('refuses a move to on_hold with a field that belongs to another move, naming both', async () => {
        const problem = expectProblem(await transition(working.id, sam, { to: IncidentState.OnHold, resolutionNotes: 'not a hold reason' }), 400, ErrorCode.VALIDATION);
        expect(new Set(fieldsOf(problem))).toEqual(new Set(['holdReason', 'resolutionNotes']));
      });

      it('refuses new → closed with 409 INVALID_TRANSITION listing the allowed states', async () => {
        const problem = expectProblem(await transition(incident.id, sam, { to: IncidentState.Closed }), 409, ErrorCode.INVALID_TRANSITION);
        expect(problem.detail).toContain(`allowed: ${[IncidentState.InProgress, IncidentState.Canceled, IncidentState.Merged].join(', ')}`);
        expect(problem.type).toBe('urn:itsm:problem:invalid-transition');
        expect(problem).toMatchObject({ from: IncidentState.New, to: IncidentState.Closed, allowed: [IncidentState.InProgress, IncidentState.Canceled, IncidentState.Merged] });
      });

      it('refuses a transition based on a stale If-Match with 412', async () => {
        const stale = expectProblem(await transition(incident.id, sam, { to: IncidentState.InProgress }, { 'if-match': '"7"' }), 412, ErrorCode.PRECONDITION_FAILED);
        expect(stale).toMatchObject({ currentVersion: 1, expectedVersion: 7 });
        await expect(client.call<IncidentView>('GET', `/v1/incidents/${incident.id}`, sam)).resolves.toMatchObject({ body: { state: IncidentState.New, version: 1 } });
      });

      it('answers another requester as if the incident did not exist: 404 to read, comment or read comments and history', async () => {
        const path = `/v1/incidents/${incident.id}`;
        expectProblem(await client.call('GET', path, bob), 404, ErrorCode.NOT_FOUND);
        expectProblem(await client.call('GET', `${path}/comments`, bob), 404, ErrorCode.NOT_FOUND);
        expectProblem(await client.call('GET', `${path}/history`, bob), 404, ErrorCode.NOT_FOUND);
        expectProblem(await client.call('POST', `${path}/comments`, bob, { body: { body: 'Me too!' } }), 404, ErrorCode.NOT_FOUND);
        expectProblem(await transition(incident.id, bob, { to: IncidentState.Canceled, reason: 'not mine anyway' }), 404, ErrorCode.NOT_FOUND);
      });

      it('refuses a PATCH by any requester with 403: only agents change fields', async () => {
        expectProblem(await client.call('PATCH', `/v1/incidents/${incident.id}`, bob, { body: { title: 'Taken over' } }), 403, ErrorCode.FORBIDDEN);
        expectProblem(await client.call('PATCH', `/v1/incidents/${incident.id}`, alice, { body: { title: 'Edited by the caller' } }), 403, ErrorCode.FORBIDDEN);
      });

      it('refuses a malformed If-Match with 400 naming If-Match', async () => {
        const problem = expectProblem(await client.call('PATCH', `/v1/incidents/${incident.id}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': 'version-1' } }), 400, ErrorCode.VALIDATION);
        expect(fieldsOf(problem)).toEqual(['If-Match']);
      });

      it('refuses an id that is not a UUID with 400 naming id', async () => {
        const problem = expectProblem(await client.call('GET', '/v1/incidents/INC0001001', sam), 400, ErrorCode.VALIDATION);
        expect(fieldsOf(problem)).toEqual(['id']);
      });

      it('refuses a manual priority without a reason with 400 naming priorityReason', async () => {
        const problem = expectProblem(await client.call('PATCH', `/v1/incidents/${incident.id}`, sam, { body: { priority: Priority.P1 } }), 400, ErrorCode.VALIDATION);
        expect(fieldsOf(problem)).toEqual(['priorityReason']);
      });

      it('refuses a requester starting work on their own incident with 403: they may only cancel it', async () => {
        expectProblem(await transition(incident.id, alice, { to: IncidentState.InProgress }), 403, ErrorCode.FORBIDDEN);
      });

      it('refuses fields only agents may set when a requester opens an incident, with 403 naming them', async () => {
        const problem = expectProblem(await client.call('POST', '/v1/incidents', alice, { body: buildCreateIncident({ assigneeId: 'alice', assignmentGroup: 'vip-desk' }) }), 403, ErrorCode.FORBIDDEN);
        expect(new Set(fieldsOf(problem))).toEqual(new Set(['assigneeId', 'assignmentGroup']));
      });

      it('refuses null for a field that cannot be cleared with 400 naming it', async () => {
        const problem = expectProblem(await client.call('PATCH', `/v1/incidents/${incident.id}`, sam, { body: { title: null } }), 400, ErrorCode.VALIDATION);
        expect(fieldsOf(problem)).toContain('title');
      });

      it('refuses a work note from the requester with 403', async () => {
        expectProblem(await client.call('POST', `/v1/incidents/${incident.id}/comments`, alice, { body: { body: 'Secret note', visibility: CommentVisibility.Internal } }), 403, ErrorCode.FORBIDDEN);
      });
    });
  });

  describe('final incidents', () => {
    let closed: IncidentView;

    beforeAll(async () => {
      const incident = await open(alice);
      const canceled = await transition(incident.id, alice, { to: IncidentState.Canceled, reason: 'The printer works again' });
      expect(canceled.status).toBe(200);
      closed = canceled.body;
    });

    it('lets a requester withdraw their new incident, with the reason on the bus', async () => {
      expect(closed).toMatchObject({ state: IncidentState.Canceled });
      expect(closed.closedAt).not.toBeNull();
      const events = await eventsAbout(closed.id, 2);
      expect(events[1]?.body).toMatchObject({ type: IncidentEvents.stateChanged.type, data: { from: IncidentState.New, to: IncidentState.Canceled, reason: 'The printer works again' } });
    });

    it('refuses any further change to a final incident with 409 and writes nothing', async () => {
      const before = await written();
      const path = `/v1/incidents/${closed.id}`;
      const moved = expectProblem(await transition(closed.id, sam, { to: IncidentState.InProgress }), 409, ErrorCode.INVALID_TRANSITION);
      expect(moved.detail).toContain('final');
      expectProblem(await client.call('PATCH', path, sam, { body: { title: 'Still broken?' } }), 409, ErrorCode.CONFLICT);
      expectProblem(await client.call('POST', `${path}/comments`, alice, { body: { body: 'Thanks!' } }), 409, ErrorCode.CONFLICT);
      expectProblem(await client.call('PUT', `${path}/major`, maria, { body: { major: true, reason: 'Too late for that' } }), 409, ErrorCode.CONFLICT);
      await expect(written()).resolves.toEqual(before);
      await expect(client.call<IncidentView>('GET', path, sam)).resolves.toMatchObject({ body: { state: IncidentState.Canceled, version: closed.version } });
    });
  });

  describe('reopening, merging and parents', () => {
    async function resolvedIncident(): Promise<IncidentView> {
      const incident = await open(alice);
      await transition(incident.id, sam, { to: IncidentState.InProgress });
      const resolved = await transition(incident.id, sam, { to: IncidentState.Resolved, resolutionCode: ResolutionCode.Workaround, resolutionNotes: 'Restarted the spooler.' });
      expect(resolved.status).toBe(200);
      return resolved.body;
    }

    it('lets the requester reject a resolution with a reason, which reopens the incident', async () => {
      const resolved = await resolvedIncident();
      const withoutReason = expectProblem(await transition(resolved.id, alice, { to: IncidentState.InProgress }), 400, ErrorCode.VALIDATION);
      expect(fieldsOf(withoutReason)).toEqual(['reason']);

      const reopened = await transition(resolved.id, alice, { to: IncidentState.InProgress, reason: 'It jammed again this morning' }, { 'if-match': `"${resolved.version}"` });
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ state: IncidentState.InProgress, reopenCount: 1, resolutionCode: null, resolutionNotes: null, resolvedAt: null });
      const events = await eventsAbout(resolved.id, 5);
      expect(events.slice(-2).map((message) => message.body)).toEqual([
        expect.objectContaining({ type: IncidentEvents.stateChanged.type, data: expect.objectContaining({ from: IncidentState.Resolved, to: IncidentState.InProgress, reason: 'It jammed again this morning' }) }),
        expect.objectContaining({ type: IncidentEvents.reopened.type, data: expect.objectContaining({ reason: 'It jammed again this morning' }) }),
      ]);
    });

    it('merges a duplicate into an open incident, records it in the surviving incident’s history, and refuses merging into a final one', async () => {
      const original = await open(alice);
      const duplicate = await open(alice);
      const merged = await transition(duplicate.id, sam, { to: IncidentState.Merged, into: original.id });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({ state: IncidentState.Merged, mergedIntoId: original.id });
      const history = await client.call<IncidentHistory>('GET', `/v1/incidents/${original.id}/history`, alice);
      expect(history.body.items.at(-1)).toMatchObject({ action: 'duplicate_merged', actorId: 'sam', changes: [{ field: 'duplicate', from: null, to: expect.objectContaining({ id: duplicate.id }) }] });
      expectProblem(await transition(original.id, sam, { to: IncidentState.Merged, into: duplicate.id }), 409, ErrorCode.CONFLICT);
    });

    it('resolves the children of a parent with it', async () => {
      const parent = await open(alice, { impact: Impact.High, urgency: Urgency.High });
      const children = [await open(bob), await open(alice)];
      const linked = await client.call<IncidentView>('POST', `/v1/incidents/${parent.id}/children`, sam, { body: { childIds: children.map((child) => child.id) } });
      expect(linked.status).toBe(200);
      expectProblem(await client.call('POST', `/v1/incidents/${parent.id}/children`, alice, { body: { childIds: [children[1]?.id] } }), 403, ErrorCode.FORBIDDEN);

      await transition(parent.id, sam, { to: IncidentState.InProgress });
      const resolved = await transition(parent.id, sam, { to: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Core switch replaced.' });
      expect(resolved.status).toBe(200);
      for (const child of children) {
        const read = await client.call<IncidentView>('GET', `/v1/incidents/${child.id}`, sam);
        expect(read.body).toMatchObject({ parentId: parent.id, state: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Core switch replaced.' });
        const events = await eventsAbout(child.id, 3);
        expect(events.at(-1)?.body).toMatchObject({ type: IncidentEvents.stateChanged.type, data: { from: IncidentState.New, to: IncidentState.Resolved, reason: `resolved with parent ${parent.number}` } });
      }
    });
  });

  describe('major incidents', () => {
    it('lets a manager declare a major incident and publishes major_declared, and refuses an agent with 403', async () => {
      const incident = await open(alice, { impact: Impact.High, urgency: Urgency.High });
      const path = `/v1/incidents/${incident.id}/major`;
      const before = await written();
      expectProblem(await client.call('PUT', path, sam, { body: { major: true, reason: 'Payroll down for every site' } }), 403, ErrorCode.FORBIDDEN);
      await expect(written()).resolves.toEqual(before);

      const declared = await client.call<IncidentView>('PUT', path, maria, { body: { major: true, reason: 'Payroll down for every site' } });
      expect(declared.status).toBe(200);
      expect(declared.body).toMatchObject({ major: true, version: 2 });
      expect(declared.headers.get('etag')).toBe('"2"');

      const events = await eventsAbout(incident.id, 2);
      expect(events.map((message) => message.body.type)).toEqual([IncidentEvents.created.type, IncidentEvents.majorDeclared.type]);
      expect(events[1]?.body.data as IncidentMajorChangedV1).toMatchObject({ reason: 'Payroll down for every site', incident: { id: incident.id, major: true } });
      const history = await client.call<IncidentHistory>('GET', `/v1/incidents/${incident.id}/history`, sam);
      expect(history.body.items.at(-1)).toMatchObject({ action: 'major_declared', actorId: 'maria', changes: [{ field: 'major', from: false, to: true }] });

      const majors = await client.call<IncidentPage>('GET', '/v1/incidents?major=true', sam);
      expect(majors.body.items.map((item) => item.id)).toEqual([incident.id]);
      const others = await client.call<IncidentPage>('GET', '/v1/incidents?major=false&limit=200', sam);
      expect(others.body.items.map((item) => item.id)).not.toContain(incident.id);
      expect(others.body.items.length).toBeGreaterThan(0);
      expectProblem(await client.call('PUT', path, maria, { body: { major: true, reason: 'Declared twice' } }), 409, ErrorCode.CONFLICT);
    });
  });

  describe('queues', () => {
    const rita = mintToken({ sub: 'rita', name: 'Rita Requester', roles: [Role.Requester] });
    let ritas: IncidentView[];

    beforeAll(async () => {
      ritas = [];
      for (const [impact, urgency] of [
        [Impact.High, Urgency.High],
        [Impact.High, Urgency.Medium],
        [Impact.Medium, Urgency.Medium],
        [Impact.Low, Urgency.Low],
        [Impact.Medium, Urgency.High],
      ] as const) {
        ritas.push(await open(rita, { impact, urgency }));
      }
      // Two of them worked on, so that state filters have something to tell apart.
      for (const incident of ritas.slice(0, 2)) {
        const started = await transition(incident.id, sam, { to: IncidentState.InProgress });
        expect(started.status).toBe(200);
      }
      await open(bob);
    });

    it('lists and counts only the requester’s own incidents, whatever the filters say', async () => {
      const list = await client.call<IncidentPage>('GET', '/v1/incidents', rita);
      expect(list.status).toBe(200);
      expect(new Set(list.body.items.map((item) => item.id))).toEqual(new Set(ritas.map((item) => item.id)));
      expect(list.body.nextCursor).toBeNull();

      const counts = await client.call<IncidentCounts>('GET', '/v1/incidents/counts', rita);
      expect(counts.status).toBe(200);
      expect(counts.body).toEqual({
        total: 5,
        byState: { new: 3, in_progress: 2, on_hold: 0, resolved: 0, closed: 0, canceled: 0, merged: 0 },
      });

      await expect(client.call<IncidentPage>('GET', '/v1/incidents?callerId=alice', rita)).resolves.toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
      await expect(client.call<IncidentCounts>('GET', '/v1/incidents/counts?callerId=alice', rita)).resolves.toMatchObject({ status: 200, body: { total: 0 } });
    });

    it('filters an agent’s queue by state and priority', async () => {
      const list = await client.call<IncidentPage>('GET', `/v1/incidents?state=${IncidentState.InProgress},${IncidentState.New}&priority=${Priority.P1},${Priority.P2}&limit=200`, sam);
      expect(list.status).toBe(200);
      const expected = await suite.database.query<{ id: string }>(
        `SELECT id FROM incident.incidents WHERE state IN ('in_progress', 'new') AND priority IN ('P1', 'P2') ORDER BY created_at DESC, id DESC`,
      );
      expect(list.body.items.map((item) => item.id)).toEqual(expected.map((row) => row.id));
      expect(list.body.items.every((item) => [IncidentState.InProgress, IncidentState.New].includes(item.state) && [Priority.P1, Priority.P2].includes(item.priority))).toBe(true);
      // Rita's P1 and P2 (in progress), and her P2 that is still new; not her P3 or P5.
      const ids = new Set(list.body.items.map((item) => item.id));
      expect(ritas.map((item) => ids.has(item.id))).toEqual([true, true, false, false, true]);

      const inProgressOfRita = await client.call<IncidentPage>('GET', `/v1/incidents?state=${IncidentState.InProgress}&callerId=rita`, sam);
      expect(inProgressOfRita.body.items.map((item) => item.id)).toEqual([ritas[1]?.id, ritas[0]?.id]);

      const counts = await client.call<IncidentCounts>('GET', `/v1/incidents/counts?callerId=rita&priority=${Priority.P1}`, sam);
      expect(counts.body).toMatchObject({ total: 1, byState: { in_progress: 1, new: 0 } });
    });

    it('counts every state of the queue even when the list is filtered by state', async () => {
      const counts = await client.call<IncidentCounts>('GET', `/v1/incidents/counts?state=${IncidentState.New}`, rita);
      expect(counts.body).toEqual({ total: 5, byState: expect.objectContaining({ new: 3, in_progress: 2 }) });
    });

    /** Follows `nextCursor` from the first page to the last; returns the ids in the order served and the page count. */
    async function pageThrough(query: string, token: string): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const params = new URLSearchParams(query);
        if (cursor) params.set('cursor', cursor);
        const page: Reply<IncidentPage> = await client.call<IncidentPage>('GET', `/v1/incidents?${params.toString()}`, token);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(Number(params.get('limit')));
        ids.push(...page.body.items.map((item) => item.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 100);
      return { ids, pages };
    }

    it.each([
      ['-createdAt', 'created_at DESC, id DESC'],
      ['createdAt', 'created_at ASC, id ASC'],
      ['-updatedAt', 'updated_at DESC, id DESC'],
      ['priority', 'priority ASC, id ASC'],
      ['-number', 'number DESC, id DESC'],
    ])('pages through every incident two at a time sorted by %s, without duplicates or gaps', async (sort, order) => {
      const { ids, pages } = await pageThrough(`limit=2&sort=${sort}`, sam);
      const all = await suite.database.query<{ id: string }>(`SELECT id FROM incident.incidents ORDER BY ${order}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(all.map((row) => row.id));
      expect(pages).toBe(Math.ceil(all.length / 2));
    });

    it('pages through a requester’s own incidents under a filter', async () => {
      const { ids } = await pageThrough(`limit=2&priority=${Priority.P1},${Priority.P2},${Priority.P3}`, rita);
      expect(ids).toEqual([ritas[4], ritas[2], ritas[1], ritas[0]].map((item) => item?.id));
    });

    it.each([
      ['text that is not a cursor', async (): Promise<string> => '%%%'],
      ['a forged cursor of the right shape', async (): Promise<string> => Buffer.from(JSON.stringify(['yesterday', 'not-an-id'])).toString('base64url')],
      [
        'a cursor of the list sorted by priority',
        async (): Promise<string> => (await client.call<IncidentPage>('GET', '/v1/incidents?limit=2&sort=priority', sam)).body.nextCursor ?? 'no cursor handed out',
      ],
    ])('refuses %s with 400 naming cursor, on a list sorted by creation', async (_what, cursorOf) => {
      const cursor = await cursorOf();
      const problem = expectProblem(await client.call('GET', `/v1/incidents?limit=2&sort=-createdAt&cursor=${encodeURIComponent(cursor)}`, sam), 400, ErrorCode.VALIDATION);
      expect(fieldsOf(problem)).toEqual(['cursor']);
    });

    it.each(['limit=0', 'limit=201', 'state=open', 'priority=P6', 'sort=severity'])('refuses the list query %s with 400 naming the parameter', async (query) => {
      const problem = expectProblem(await client.call('GET', `/v1/incidents?${query}`, sam), 400, ErrorCode.VALIDATION);
      expect(fieldsOf(problem)).toContain(query.split('=')[0]);
    });
  });
  describe('routing rules', () => {
    it('lets a manager add a rule that routes new incidents, and refuses agents and requesters', async () => {
      const rule = { name: 'Label printers to the logistics desk', position: 10, conditions: { keywords: ['label printer'] }, assignmentGroup: 'logistics-desk' };
      expectProblem(await client.call('POST', '/v1/routing-rules', sam, { body: rule }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await client.call('GET', '/v1/routing-rules', alice), 403, ErrorCode.FORBIDDEN);
      const invalid = expectProblem(await client.call('POST', '/v1/routing-rules', maria, { body: { ...rule, position: -1 } }), 400, ErrorCode.VALIDATION);
      expect(fieldsOf(invalid)).toEqual(['position']);

      const created = await client.call<{ id: string; version: number }>('POST', '/v1/routing-rules', maria, { body: rule });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/routing-rules/${created.body.id}`);
      await expect(client.call('GET', '/v1/routing-rules', sam)).resolves.toMatchObject({ status: 200, body: { items: [expect.objectContaining({ id: created.body.id, ...rule })] } });

      const routed = await open(alice, { title: 'The label printer in hall 2 prints blank labels' });
      expect(routed.assignmentGroup).toBe('logistics-desk');
      const events = await eventsAbout(routed.id, 2);
      expect(events.map((message) => message.body.type)).toEqual([IncidentEvents.created.type, IncidentEvents.assigned.type]);
      const unrouted = await open(alice, { title: 'The laser printer in hall 2 is out of toner' });
      expect(unrouted.assignmentGroup).toBeNull();

      const removed = await client.call('DELETE', `/v1/routing-rules/${created.body.id}`, maria);
      expect(removed.status).toBe(200);
      await expect(open(alice, { title: 'Another label printer prints blank labels' })).resolves.toMatchObject({ assignmentGroup: null });
    });
  });
});

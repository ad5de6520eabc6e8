/**
 * Problem management as its users see it: the built gateway, incident, CMDB and problem services as processes, real
 * NATS and PostgreSQL; what subscribers see is read back from the stream.
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import {
  type CiView,
  type CloudEvent,
  type CommentList,
  CommentVisibility,
  type CreatedIncidentView,
  DetectionScope,
  type DetectionRuleList,
  ErrorCode,
  EVENTS_STREAM,
  Impact,
  IncidentEvents,
  IncidentState,
  type IncidentView,
  type KnownErrorPage,
  KnownErrorState,
  type KnownErrorView,
  MessageHeaders,
  type ProblemCandidateDetectedV1,
  ProblemErrorCode,
  ProblemEvents,
  type ProblemIncidentLinkedV1,
  type ProblemKnownErrorPublishedV1,
  type ProblemKnownErrorRetiredV1,
  ProblemLinkSource,
  type ProblemPage,
  ProblemResolutionCode,
  type ProblemResolvedV1,
  ProblemState,
  type ProblemView,
  ResolutionCode,
  Role,
  Urgency,
} from '@itsm/contracts';
import { mintToken, readEvents, type StoredMessage, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const maria = mintToken({ sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] });

const SERVICES = ['incident', 'cmdb', 'problem'] as const;
/** The durable consumer through which the problem service watches incidents. */
const DETECTION_CONSUMER = 'problem-detection';
const DEFAULT_RULE_NAME = 'Same CI and category';
const CATEGORY = 'email';
const WAIT = { timeoutMs: 30_000 };

interface ProblemBody {
  status: number;
  code: ErrorCode;
  reason?: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

describe('problem management through the gateway, with the incident, CMDB and problem services behind it', () => {
  let suite: RunningSuite;
  let client: GatewayClient;

  /** The gateway's API with a JSON body and optional headers. */
  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> =>
    client.call<T>(method, path, token, { body, headers });

  function expectProblem(reply: Reply, status: number, code: ErrorCode, reason?: string): ProblemBody {
    expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
    const problem = reply.body as ProblemBody;
    expect(problem).toMatchObject({ status, code, ...(reason === undefined ? {} : { reason }) });
    return problem;
  }

  async function createCi(name: string): Promise<CiView> {
    const reply = await call<CiView>('POST', '/v1/cis', sam, { className: 'server', name, environment: 'prod' });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  async function openIncident(title: string, ciId: string): Promise<CreatedIncidentView> {
    const reply = await call<CreatedIncidentView>('POST', '/v1/incidents', sam, {
      title,
      description: 'Outgoing mail stays in the outbox; Outlook shows "421 temporary failure".',
      impact: Impact.Medium,
      urgency: Urgency.Medium,
      category: CATEGORY,
      ciIds: [ciId],
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ category: CATEGORY, ciIds: [ciId], problemId: null });
    return reply.body;
  }

  async function getIncident(id: string): Promise<IncidentView> {
    const reply = await call<IncidentView>('GET', `/v1/incidents/${id}`, sam);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function getProblem(id: string): Promise<Reply<ProblemView>> {
    const reply = await call<ProblemView>('GET', `/v1/problems/${id}`, sam);
    expect(reply.status).toBe(200);
    return reply;
  }

  async function detectedProblems(): Promise<ProblemView[]> {
    const reply = await call<ProblemPage>('GET', '/v1/problems?detected=true', sam);
    expect(reply.status).toBe(200);
    return reply.body.items;
  }

  async function events<T>(event: { subject: string }, about?: string): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    const found = (await readEvents(suite.nc, event.subject)) as Array<StoredMessage<CloudEvent<T>>>;
    return about === undefined ? found : found.filter((message) => message.body.subject === about);
  }

  /** Waits until the events of a kind about one record number `count`, and returns them. */
  function eventsWhen<T>(event: { subject: string }, about: string, count: number): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    return waitFor(
      async () => {
        const found = await events<T>(event, about);
        return found.length === count ? found : undefined;
      },
      { ...WAIT, what: `${count} ${event.subject} about ${about}` },
    );
  }

  async function transition(id: string, body: Record<string, unknown>, token = sam, headers: Record<string, string> = {}): Promise<Reply<ProblemView>> {
    return call<ProblemView>('POST', `/v1/problems/${id}/transitions`, token, body, headers);
  }

  /** Waits until the detection consumer has acknowledged every stored message up to `seq`: it has taken them all. */
  async function detectionTookUpTo(seq: number): Promise<void> {
    const jsm = await suite.nc.jetstreamManager();
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(EVENTS_STREAM, DETECTION_CONSUMER);
        return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
      },
      { ...WAIT, what: `${DETECTION_CONSUMER} to acknowledge up to stream sequence ${seq}` },
    );
  }

  /**
   * Publishes each stored event again as a redelivery would bring it: the same envelope (same id) and headers, but
   * without `Nats-Msg-Id`, so that JetStream stores it a second time. Returns the stream sequence of the last copy.
   */
  async function publishAgain(messages: Array<StoredMessage<CloudEvent>>): Promise<number> {
    const js = suite.nc.jetstream();
    let last = 0;
    for (const message of messages) {
      const headers = natsHeaders();
      for (const [key, value] of Object.entries(message.headers)) {
        if (key.toLowerCase() !== MessageHeaders.msgId.toLowerCase()) headers.set(key, value);
      }
      last = (await js.publish(message.subject, JSON.stringify(message.body), { headers })).seq;
    }
    return last;
  }

  describe('with the incident service resolving the incidents of a permanently fixed problem', () => {
    let ci: CiView;
    let incidents: CreatedIncidentView[];
    let problem: ProblemView;
    let sixth: CreatedIncidentView;
    let knownError: KnownErrorView;

    beforeAll(async () => {
      suite = await startSuite(SERVICES, { incident: { PROBLEM_RESOLVES_INCIDENTS: 'true' } });
      client = new GatewayClient(suite.baseUrl);
    }, 90_000);

    afterAll(async () => {
      await expect(suite.stop()).resolves.toEqual({ incident: 0, cmdb: 0, problem: 0, gateway: 0 });
    }, 30_000);

    it('opens one candidate problem for five incidents of one CI and category, each event delivered twice', async () => {
      ci = await createCi('mail-relay-01');
      incidents = [];
      let lastCopy = 0;
      // Each created event goes onto the stream a second time as soon as it is there, so that copies and originals
      // reach the detector interleaved rather than all copies after the candidate.
      for (let n = 1; n <= 5; n += 1) {
        const incident = await openIncident(`Mail stuck in outbox (${n})`, ci.id);
        incidents.push(incident);
        const created = await waitFor(
          async () => {
            const found = (await events(IncidentEvents.created)).filter((message) => message.body.subject === incident.id);
            return found.length === 1 ? found : undefined;
          },
          { ...WAIT, what: `the created event of incident ${n}` },
        );
        lastCopy = await publishAgain(created);
      }
      const ids = incidents.map((incident) => incident.id);
      const copies = (await events(IncidentEvents.created)).filter((message) => ids.includes(message.body.subject));
      expect(copies).toHaveLength(10);
      expect(new Set(copies.map((message) => message.body.id)).size).toBe(5);

      const rules = await call<DetectionRuleList>('GET', '/v1/problems/detection-rules', sam);
      expect(rules.status).toBe(200);
      const rule = rules.body.items.find((item) => item.name === DEFAULT_RULE_NAME);
      expect(rule).toMatchObject({ scope: DetectionScope.Ci, threshold: 5, windowHours: 24, enabled: true });

      await waitFor(
        async () => {
          const found = await detectedProblems();
          return found.length === 1 && found[0]?.incidentIds.length === 5 ? found : undefined;
        },
        { ...WAIT, what: 'one detected problem with five incidents' },
      );
      await detectionTookUpTo(lastCopy);

      const detected = await detectedProblems();
      expect(detected).toHaveLength(1);
      problem = detected[0] as ProblemView;
      expect(problem).toMatchObject({
        state: ProblemState.New,
        detected: true,
        category: CATEGORY,
        ciIds: [ci.id],
        openedBy: 'system',
        detection: { ruleId: rule?.id, ruleName: DEFAULT_RULE_NAME, scope: DetectionScope.Ci, ciId: ci.id, serviceId: null, category: CATEGORY },
      });
      expect(problem.number).toMatch(/^PRB\d{7}$/);
      expect(problem.title).toContain(CATEGORY);
      expect([...problem.incidentIds].sort()).toEqual([...ids].sort());

      const candidates = await events<ProblemCandidateDetectedV1>(ProblemEvents.candidateDetected);
      expect(candidates).toHaveLength(1);
      expect(candidates[0]?.body.subject).toBe(problem.id);
      expect(candidates[0]?.body.data.detection).toEqual(problem.detection);
      expect([...(candidates[0]?.body.data.incidentIds ?? [])].sort()).toEqual([...ids].sort());
      expect(await events(ProblemEvents.created)).toHaveLength(1);
      const links = await events<ProblemIncidentLinkedV1>(ProblemEvents.incidentLinked, problem.id);
      expect(links.map((message) => [message.body.data.incidentId, message.body.data.source]).sort()).toEqual(ids.map((id) => [id, ProblemLinkSource.Detected]).sort());

      for (const id of ids) {
        await waitFor(async () => (await getIncident(id)).problemId === problem.id, { ...WAIT, what: `incident ${id} to show the problem` });
      }
    });

    it('links a sixth incident of the same CI and category to the same problem', async () => {
      sixth = await openIncident('Mail stuck in outbox (6)', ci.id);
      const linked = await waitFor(
        async () => {
          const read = (await getProblem(problem.id)).body;
          return read.incidentIds.includes(sixth.id) ? read : undefined;
        },
        { ...WAIT, what: 'the sixth incident linked' },
      );
      expect(linked.incidentIds).toHaveLength(6);
      expect(linked.version).toBeGreaterThan(problem.version);
      problem = linked;

      const detected = await detectedProblems();
      expect(detected.map((item) => item.id)).toEqual([problem.id]);
      const links = await events<ProblemIncidentLinkedV1>(ProblemEvents.incidentLinked, problem.id);
      expect(links.filter((message) => message.body.data.incidentId === sixth.id).map((message) => message.body.data.source)).toEqual([ProblemLinkSource.Detected]);
      expect(await events(ProblemEvents.candidateDetected)).toHaveLength(1);
      await waitFor(async () => (await getIncident(sixth.id)).problemId === problem.id, { ...WAIT, what: 'the sixth incident to show the problem' });
    });

    it('records the root cause, cause category and workaround under If-Match', async () => {
      const read = await getProblem(problem.id);
      expect(read.headers.get('etag')).toBe(`"${read.body.version}"`);
      const patched = await call<ProblemView>(
        'PATCH',
        `/v1/problems/${problem.id}`,
        sam,
        {
          rootCause: 'The relay’s TLS certificate for the smarthost expired; it falls back to a queue it never flushes.',
          causeCategory: 'configuration',
          workaround: 'Restart the relay service so that it retries without TLS pinning.',
        },
        { 'if-match': read.headers.get('etag') ?? '' },
      );
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ causeCategory: 'configuration', version: read.body.version + 1 });
      expect(patched.body.rootCauseIdentifiedAt).not.toBeNull();
      expect(patched.headers.get('etag')).toBe(`"${patched.body.version}"`);
      await eventsWhen(ProblemEvents.rootCauseIdentified, problem.id, 1);
      problem = patched.body;
    });

    it('moves the problem through assessment and analysis to fix in progress', async () => {
      for (const to of [ProblemState.Assess, ProblemState.RootCauseAnalysis, ProblemState.FixInProgress]) {
        const moved = await transition(problem.id, { to }, sam, { 'if-match': `"${problem.version}"` });
        expect(moved.status).toBe(200);
        expect(moved.body).toMatchObject({ state: to, version: problem.version + 1 });
        problem = moved.body;
      }
    });

    it('publishes a known error that the service desk finds by a word of its symptoms', async () => {
      const published = await call<KnownErrorView>('POST', `/v1/problems/${problem.id}/known-error`, maria, {
        symptoms: 'Outgoing mail stays in the outbox and Outlook reports a temporary relay failure.',
      });
      expect(published.status).toBe(201);
      knownError = published.body;
      expect(knownError).toMatchObject({
        problemId: problem.id,
        problemNumber: problem.number,
        title: problem.title,
        rootCause: problem.rootCause,
        workaround: problem.workaround,
        causeCategory: 'configuration',
        ciIds: [ci.id],
        category: CATEGORY,
        state: KnownErrorState.Published,
        publishedBy: 'maria',
      });
      expect(knownError.number).toMatch(/^KE\d{7}$/);

      const [announced] = await eventsWhen<ProblemKnownErrorPublishedV1>(ProblemEvents.knownErrorPublished, problem.id, 1);
      expect(announced?.body.data.knownError).toMatchObject({ id: knownError.id, number: knownError.number, state: KnownErrorState.Published });
      expect((await getProblem(problem.id)).body.knownError).toEqual({ id: knownError.id, number: knownError.number, state: KnownErrorState.Published });

      const found = await call<KnownErrorPage>('GET', '/v1/known-errors?q=outbox', sam);
      expect(found.status).toBe(200);
      expect(found.body.items.map((hit) => hit.id)).toEqual([knownError.id]);
      expect(found.body.items[0]?.snippet).toContain('<b>outbox</b>');
      const missed = await call<KnownErrorPage>('GET', '/v1/known-errors?q=printer', sam);
      expect(missed.body.items).toEqual([]);
    });

    it('comments on and resolves every open linked incident when the problem is resolved with a permanent fix', async () => {
      // One incident the service desk already resolved on its own keeps its own resolution.
      expect((await call('POST', `/v1/incidents/${sixth.id}/transitions`, sam, { to: IncidentState.InProgress })).status).toBe(200);
      const own = await call<IncidentView>('POST', `/v1/incidents/${sixth.id}/transitions`, sam, { to: IncidentState.Resolved, resolutionCode: ResolutionCode.Workaround, resolutionNotes: 'Restarted the relay.' });
      expect(own.status).toBe(200);

      const resolution = 'Renewed the smarthost certificate and added it to the certificate expiry monitoring.';
      const resolved = await transition(problem.id, { to: ProblemState.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ state: ProblemState.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution });
      problem = resolved.body;
      const [announced] = await eventsWhen<ProblemResolvedV1>(ProblemEvents.resolved, problem.id, 1);
      expect(announced?.body.data).toMatchObject({ resolutionCode: ProblemResolutionCode.PermanentFix, resolution });

      for (const { id } of incidents) {
        const incident = await waitFor(
          async () => {
            const read = await getIncident(id);
            return read.state === IncidentState.Resolved ? read : undefined;
          },
          { ...WAIT, what: `incident ${id} resolved with the problem` },
        );
        expect(incident).toMatchObject({ resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: resolution, problemId: problem.id });
        const comments = await call<CommentList>('GET', `/v1/incidents/${id}/comments`, sam);
        expect(comments.status).toBe(200);
        const fromProblem = comments.body.items.filter((comment) => comment.body.includes(problem.number));
        expect(fromProblem).toHaveLength(1);
        expect(fromProblem[0]).toMatchObject({ visibility: CommentVisibility.Public });
        expect(fromProblem[0]?.body).toContain(resolution);
      }

      // The same event resolved the five: by now the already resolved sixth has been passed over.
      expect(await getIncident(sixth.id)).toMatchObject({ state: IncidentState.Resolved, resolutionCode: ResolutionCode.Workaround, resolutionNotes: 'Restarted the relay.' });
      const untouched = await call<CommentList>('GET', `/v1/incidents/${sixth.id}/comments`, sam);
      expect(untouched.body.items.filter((comment) => comment.body.includes(problem.number))).toEqual([]);
    });

    it('retires the known error when the problem is closed', async () => {
      const closed = await transition(problem.id, { to: ProblemState.Closed });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ state: ProblemState.Closed, knownError: { id: knownError.id, state: KnownErrorState.Retired } });
      expect(closed.body.closedAt).not.toBeNull();

      const read = await call<KnownErrorView>('GET', `/v1/known-errors/${knownError.id}`, sam);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ state: KnownErrorState.Retired, retireReason: 'permanent fix' });
      expect(read.body.retiredAt).not.toBeNull();
      const [retired] = await eventsWhen<ProblemKnownErrorRetiredV1>(ProblemEvents.knownErrorRetired, problem.id, 1);
      expect(retired?.body.data.knownError).toMatchObject({ id: knownError.id, state: KnownErrorState.Retired });
      await eventsWhen(ProblemEvents.closed, problem.id, 1);
    });

    describe('refusals', () => {
      let manual: ProblemView;

      beforeAll(async () => {
        const opened = await call<ProblemView>('POST', '/v1/problems', sam, { title: 'Relay queue grows overnight', category: CATEGORY, impact: Impact.Medium, urgency: Urgency.Low, ciIds: [ci.id] });
        expect(opened.status).toBe(201);
        manual = opened.body;
      });

      it('refuses to link an incident that does not exist, naming it', async () => {
        const unknown = randomUUID();
        const refused = expectProblem(await call('POST', `/v1/problems/${manual.id}/incidents`, sam, { incidentId: unknown }), 422, ErrorCode.UNPROCESSABLE, ProblemErrorCode.UnknownIncidents);
        expect(refused.incidentIds).toEqual([unknown]);
        expect(refused.detail).toContain(unknown);
        expect((await getProblem(manual.id)).body).toMatchObject({ incidentIds: [], version: manual.version });
      });

      it('refuses to publish a known error without a root cause, then without a workaround', async () => {
        const bare = expectProblem(await call('POST', `/v1/problems/${manual.id}/known-error`, maria, { symptoms: 'The queue grows overnight.' }), 422, ErrorCode.UNPROCESSABLE, ProblemErrorCode.KnownErrorIncomplete);
        expect(bare.field).toBe('rootCause');

        const patched = await call<ProblemView>('PATCH', `/v1/problems/${manual.id}`, sam, { rootCause: 'A nightly batch floods the relay.' });
        expect(patched.status).toBe(200);
        manual = patched.body;
        const halfway = expectProblem(await call('POST', `/v1/problems/${manual.id}/known-error`, maria, { symptoms: 'The queue grows overnight.' }), 422, ErrorCode.UNPROCESSABLE, ProblemErrorCode.KnownErrorIncomplete);
        expect(halfway.field).toBe('workaround');
        expect((await getProblem(manual.id)).body.knownError).toBeNull();
      });

      it('refuses a transition out of order with the states allowed', async () => {
        const refused = expectProblem(await transition(manual.id, { to: ProblemState.Closed }), 409, ErrorCode.INVALID_TRANSITION, ProblemErrorCode.InvalidTransition);
        expect([...(refused.allowed as string[])].sort()).toEqual([ProblemState.Assess, ProblemState.Canceled].sort());
        expect((await getProblem(manual.id)).body.state).toBe(ProblemState.New);
      });

      it('refuses a change based on a stale If-Match with 412', async () => {
        const stale = expectProblem(
          await call('PATCH', `/v1/problems/${manual.id}`, sam, { title: 'Edited from an outdated screen' }, { 'if-match': `"${manual.version - 1}"` }),
          412,
          ErrorCode.PRECONDITION_FAILED,
        );
        expect(stale.currentVersion).toBe(manual.version);
        expect((await getProblem(manual.id)).body.title).toBe('Relay queue grows overnight');
      });

      it('refuses a problem naming CIs the CMDB does not know, listing them', async () => {
        const unknown = [randomUUID(), randomUUID()];
        const refused = expectProblem(
          await call('POST', '/v1/problems', sam, { title: 'Ghost servers', category: CATEGORY, impact: Impact.Low, urgency: Urgency.Low, ciIds: [ci.id, ...unknown] }),
          422,
          ErrorCode.UNPROCESSABLE,
          ProblemErrorCode.UnknownCis,
        );
        expect([...(refused.ciIds as string[])].sort()).toEqual([...unknown].sort());
        const all = await call<ProblemPage>('GET', '/v1/problems?q=ghost', sam);
        expect(all.body.items).toEqual([]);
      });

      it('answers a requester 403 on the list, and alike for a problem that exists and one that does not', async () => {
        expectProblem(await call('GET', '/v1/problems', alice), 403, ErrorCode.FORBIDDEN);
        const existing = expectProblem(await call('GET', `/v1/problems/${manual.id}`, alice), 403, ErrorCode.FORBIDDEN);
        const missing = expectProblem(await call('GET', `/v1/problems/${randomUUID()}`, alice), 403, ErrorCode.FORBIDDEN);
        expect({ ...existing, instance: undefined }).toEqual({ ...missing, instance: undefined });
      });
    });
  });

  describe('with the incident service leaving incidents open (PROBLEM_RESOLVES_INCIDENTS unset)', () => {
    beforeAll(async () => {
      suite = await startSuite(SERVICES);
      client = new GatewayClient(suite.baseUrl);
    }, 90_000);

    afterAll(async () => {
      await expect(suite.stop()).resolves.toEqual({ incident: 0, cmdb: 0, problem: 0, gateway: 0 });
    }, 30_000);

    it('comments on a linked incident when its problem is resolved, and leaves it open', async () => {
      const ci = await createCi('mail-relay-02');
      const incident = await openIncident('Mail stuck in outbox', ci.id);
      const opened = await call<ProblemView>('POST', '/v1/problems', sam, {
        title: 'Relay drops mail under load',
        category: CATEGORY,
        impact: Impact.Medium,
        urgency: Urgency.Medium,
        ciIds: [ci.id],
        rootCause: 'The relay’s connection pool is capped at 16.',
        causeCategory: 'capacity',
      });
      expect(opened.status).toBe(201);
      const problem = opened.body;

      const linked = await call<ProblemView>('POST', `/v1/problems/${problem.id}/incidents`, sam, { incidentId: incident.id }, { 'if-match': `"${problem.version}"` });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ incidentIds: [incident.id], version: problem.version + 1 });
      const [link] = await eventsWhen<ProblemIncidentLinkedV1>(ProblemEvents.incidentLinked, problem.id, 1);
      expect(link?.body.data).toMatchObject({ incidentId: incident.id, source: ProblemLinkSource.Manual });
      await waitFor(async () => (await getIncident(incident.id)).problemId === problem.id, { ...WAIT, what: 'the incident to show the problem' });

      const other = await call<ProblemView>('POST', '/v1/problems', sam, { title: 'Second look at the relay', category: CATEGORY, impact: Impact.Low, urgency: Urgency.Low });
      expect(other.status).toBe(201);
      const taken = expectProblem(await call('POST', `/v1/problems/${other.body.id}/incidents`, sam, { incidentId: incident.id }), 409, ErrorCode.CONFLICT, ProblemErrorCode.IncidentAlreadyLinked);
      expect(taken).toMatchObject({ problemId: problem.id, problemNumber: problem.number });

      for (const to of [ProblemState.Assess, ProblemState.RootCauseAnalysis, ProblemState.FixInProgress]) expect((await transition(problem.id, { to })).status).toBe(200);
      const resolution = 'Raised the connection pool to 256.';
      const resolved = await transition(problem.id, { to: ProblemState.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution });
      expect(resolved.status).toBe(200);

      const comment = await waitFor(
        async () => {
          const comments = await call<CommentList>('GET', `/v1/incidents/${incident.id}/comments`, sam);
          return comments.body.items.find((item) => item.body.includes(problem.number));
        },
        { ...WAIT, what: 'the resolution comment on the incident' },
      );
      expect(comment).toMatchObject({ visibility: CommentVisibility.Public });
      expect(comment.body).toContain(resolution);
      expect(await getIncident(incident.id)).toMatchObject({ state: IncidentState.New, resolutionCode: null, problemId: problem.id });
    });
  });
});

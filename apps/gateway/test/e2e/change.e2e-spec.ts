/**
 * Change enablement as its users and deployment pipelines see it: the built gateway, CMDB and change services as
 * processes, real NATS and PostgreSQL; what subscribers see is read back from the stream.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import {
  type BlackoutWindowView,
  BlackoutScope,
  type ChangeApprovalRequestedV1,
  ChangeApprovalState,
  type ChangeConflict,
  type ChangeConflictCheck,
  type ChangeConflictDetectedV1,
  ChangeErrorCode,
  ChangeEvents,
  type ChangeRiskAssessedV1,
  type ChangeScheduledV1,
  ChangeState,
  type ChangeTemplateView,
  ChangeType,
  type ChangeView,
  ChangeVote,
  type CiView,
  type CloudEvent,
  ConflictKind,
  ErrorCode,
  type GateAnswer,
  RelationshipType,
  RiskLevel,
  Role,
} from '@itsm/contracts';
import { mintToken, readEvents, type StoredMessage, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const maria = mintToken({ sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] });
const carl = mintToken({ sub: 'carl', name: 'Carl CAB', roles: [Role.Cab] });
const cora = mintToken({ sub: 'cora', name: 'Cora CAB', roles: [Role.Cab] });
/** A deployment pipeline's own token, as `npm run token -- --role agent --sub pipeline-deploy` mints it. */
const pipeline = mintToken({ sub: 'pipeline-deploy', name: 'Deploy pipeline', roles: [Role.Agent] });

/** Who may vote under a policy's role: the manager, or the CAB members in order. */
const VOTERS: Partial<Record<Role, Array<{ sub: string; token: string }>>> = {
  [Role.Manager]: [{ sub: 'maria', token: maria }],
  [Role.Cab]: [
    { sub: 'carl', token: carl },
    { sub: 'cora', token: cora },
  ],
};

// The risk's business-hours factor reads CHANGE_BUSINESS_CALENDAR, 24X7 by default: the SLA service is not needed.
const SERVICES = ['cmdb', 'change'] as const;
const WAIT = { timeoutMs: 30_000 };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface ProblemBody {
  status: number;
  code: ErrorCode;
  reason?: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

/** A whole minute at most a minute before `at`: windows are planned to the minute (iCalendar keeps whole seconds). */
const minuteOf = (at: number): number => Math.floor(at / MINUTE) * MINUTE;

/** A window of `hours` starting `fromNowHours` from now. */
function windowOf(fromNowHours: number, hours = 2): { plannedStart: string; plannedEnd: string } {
  const start = minuteOf(Date.now() + fromNowHours * HOUR);
  return { plannedStart: new Date(start).toISOString(), plannedEnd: new Date(start + hours * HOUR).toISOString() };
}

const factor = (change: ChangeView, name: string) => change.risk?.factors.find((item) => item.name === name);

describe('change enablement through the gateway, with the CMDB and change services behind it', () => {
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

  async function createCi(className: string, name: string, criticality: number): Promise<CiView> {
    const reply = await call<CiView>('POST', '/v1/cis', sam, { className, name, environment: 'prod', criticality });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ className, criticality });
    return reply.body;
  }

  /** `source` depends on `target`. */
  async function dependsOn(source: CiView, target: CiView): Promise<void> {
    const reply = await call('POST', '/v1/relationships', sam, { type: RelationshipType.DependsOn, sourceId: source.id, targetId: target.id });
    expect(reply.status).toBe(201);
  }

  async function raise(fields: Record<string, unknown>): Promise<ChangeView> {
    const reply = await call<ChangeView>('POST', '/v1/changes', sam, { type: ChangeType.Normal, title: 'Upgrade the billing API to 4.2', ...windowOf(48), ...fields });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ state: ChangeState.New, risk: null, approval: null, requestedBy: 'sam' });
    return reply.body;
  }

  function transition(id: string, body: Record<string, unknown>, token = sam): Promise<Reply<ChangeView>> {
    return call<ChangeView>('POST', `/v1/changes/${id}/transitions`, token, body);
  }

  async function moveTo(change: ChangeView, to: ChangeState): Promise<ChangeView> {
    const reply = await transition(change.id, { to });
    expect(reply.status).toBe(200);
    expect(reply.body.state).toBe(to);
    return reply.body;
  }

  function vote(id: string, token: string, decision = ChangeVote.Approve): Promise<Reply<ChangeView>> {
    return call<ChangeView>('POST', `/v1/changes/${id}/approvals`, token, { decision, comment: 'Plans and backout reviewed.' });
  }

  /**
   * Votes approve by as many holders of the policy's role as its quorum asks, checking that the change awaits
   * approval until the last vote; answers the change as the last vote left it.
   */
  async function approveByPolicy(change: ChangeView): Promise<ChangeView> {
    const approval = change.approval;
    if (approval === null) throw new Error(`${change.number} has no approval requested`);
    const voters = (VOTERS[approval.role] ?? []).slice(0, approval.quorum);
    expect(voters).toHaveLength(approval.quorum);
    let current = change;
    for (const [n, voter] of voters.entries()) {
      const reply = await vote(change.id, voter.token);
      expect(reply.status).toBe(200);
      current = reply.body;
      expect(current.approval?.votes.map((cast) => cast.approverId)).toEqual(voters.slice(0, n + 1).map(({ sub }) => sub));
      if (n < voters.length - 1) expect(current).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Pending } });
    }
    expect(current.approval?.state).toBe(ChangeApprovalState.Approved);
    return current;
  }

  async function getChange(id: string): Promise<ChangeView> {
    const reply = await call<ChangeView>('GET', `/v1/changes/${id}`, sam);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function gate(id: string): Promise<GateAnswer> {
    const reply = await call<GateAnswer>('GET', `/v1/changes/${id}/gate`, pipeline);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function events<T>(event: { subject: string }, about?: string): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    const found = (await readEvents(suite.nc, event.subject)) as Array<StoredMessage<CloudEvent<T>>>;
    return about === undefined ? found : found.filter((message) => message.body.subject === about);
  }

  /** Waits until the events of a kind about one change number `count`, and returns them. */
  function eventsWhen<T>(event: { subject: string }, about: string, count: number): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    return waitFor(
      async () => {
        const found = await events<T>(event, about);
        return found.length === count ? found : undefined;
      },
      { ...WAIT, what: `${count} ${event.subject} about ${about}` },
    );
  }

  beforeAll(async () => {
    suite = await startSuite(SERVICES);
    client = new GatewayClient(suite.baseUrl);
  }, 90_000);

  afterAll(async () => {
    await expect(suite.stop()).resolves.toEqual({ cmdb: 0, change: 0, gateway: 0 });
  }, 30_000);

  /** The billing API (criticality 1), which the billing business service (criticality 1) depends on. */
  let billingApi: CiView;
  let billingService: CiView;
  /** A criticality-4 CI nothing depends on. */
  let leaf: CiView;
  /** The normal change on the billing API: high risk, approved by the CAB and scheduled. */
  let critical: ChangeView;
  /** The normal change on the leaf CI, assessed only. */
  let minor: ChangeView;
  /** The change on the billing service in the critical change's window, scheduled over its conflict. */
  let dependent: ChangeView;
  /** The change on the leaf CI whose window is open now. */
  let deploying: ChangeView;

  it('rates a change on a CI a business service depends on above one on a leaf CI, from the CMDB, listing the factors', async () => {
    billingApi = await createCi('application', 'billing-api', 1);
    billingService = await createCi('business_service', 'billing', 1);
    await dependsOn(billingService, billingApi);
    leaf = await createCi('application', 'label-printer-api', 4);

    const window = windowOf(48);
    critical = await moveTo(await raise({ ciIds: [billingApi.id], ...window }), ChangeState.Assess);
    minor = await moveTo(await raise({ title: 'Restart the label printer API', ciIds: [leaf.id], ...window }), ChangeState.Assess);

    expect(critical.number).toMatch(/^CHG\d{7}$/);
    expect(critical.risk?.score).toBeGreaterThan(minor.risk?.score ?? 100);
    const levels = Object.values(RiskLevel);
    expect(levels.indexOf(critical.risk?.level ?? RiskLevel.Low)).toBeGreaterThan(levels.indexOf(minor.risk?.level ?? RiskLevel.VeryHigh));
    expect([RiskLevel.High, RiskLevel.VeryHigh]).toContain(critical.risk?.level);
    expect(minor.risk?.level).toBe(RiskLevel.Low);
    for (const change of [critical, minor]) {
      expect(change.risk?.factors.map((item) => item.name)).toEqual(
        expect.arrayContaining(['ci_criticality', 'service_count', 'service_criticality', 'change_type', 'business_hours', 'ci_count', 'window_length', 'failure_rate']),
      );
      expect(change.risk?.score).toBe(change.risk?.factors.reduce((sum, item) => sum + item.points, 0));
      for (const item of change.risk?.factors ?? []) expect(item.detail).not.toBe('');
    }
    expect(factor(critical, 'service_count')?.value).toBeGreaterThan(0);
    expect(factor(critical, 'service_count')?.points).toBeGreaterThan(0);
    expect(factor(critical, 'service_criticality')).toMatchObject({ value: 1, points: factor(critical, 'service_criticality')?.weight });
    expect(factor(critical, 'ci_criticality')).toMatchObject({ value: 1 });
    expect(factor(minor, 'service_count')).toMatchObject({ value: 0, points: 0 });
    expect(factor(minor, 'ci_criticality')).toMatchObject({ value: 4, points: 0 });

    const [assessed] = await eventsWhen<ChangeRiskAssessedV1>(ChangeEvents.riskAssessed, critical.id, 1);
    expect(assessed?.body.data.risk).toEqual(critical.risk);
    expect(assessed?.body.data.change).toMatchObject({ id: critical.id, state: ChangeState.Assess });
    expect((await getChange(minor.id)).risk).toEqual(minor.risk);
  });

  it('asks the CAB for the high-risk change and schedules it by itself once the quorum approves', async () => {
    critical = await moveTo(critical, ChangeState.Authorize);
    const quorum = critical.risk?.level === RiskLevel.VeryHigh ? 3 : 2;
    expect(critical.approval).toMatchObject({ role: Role.Cab, quorum, state: ChangeApprovalState.Pending, votes: [] });
    const [requested] = await eventsWhen<ChangeApprovalRequestedV1>(ChangeEvents.approvalRequested, critical.id, 1);
    expect(requested?.body.data.approval).toMatchObject({ role: Role.Cab, quorum });
    const cab = VOTERS[Role.Cab] ?? [];
    expect(cab.length).toBeGreaterThanOrEqual(quorum);

    // A plain agent holds no CAB role.
    expectProblem(await vote(critical.id, sam), 403, ErrorCode.FORBIDDEN, ChangeErrorCode.ApproverRoleRequired);

    const first = await vote(critical.id, carl);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Pending, votes: [{ approverId: 'carl', decision: ChangeVote.Approve }] } });
    // The same member again does not count twice.
    expectProblem(await vote(critical.id, carl), 409, ErrorCode.CONFLICT, ChangeErrorCode.AlreadyVoted);
    expect((await getChange(critical.id)).approval?.votes).toHaveLength(1);

    let last = first.body;
    for (const [n, member] of cab.slice(1, quorum).entries()) {
      const reply = await vote(critical.id, member.token);
      expect(reply.status).toBe(200);
      last = reply.body;
      if (n < quorum - 2) expect(last).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Pending } });
    }
    expect(last).toMatchObject({ state: ChangeState.Scheduled, approval: { state: ChangeApprovalState.Approved }, conflicts: [], conflictOverride: null });
    expect(new Set(last.approval?.votes.map((cast) => cast.approverId)).size).toBe(quorum);
    critical = last;
    expect(await getChange(critical.id)).toMatchObject({ state: ChangeState.Scheduled, version: critical.version });

    await eventsWhen(ChangeEvents.approved, critical.id, 1);
    const [scheduled] = await eventsWhen<ChangeScheduledV1>(ChangeEvents.scheduled, critical.id, 1);
    expect(scheduled?.body.data.change).toMatchObject({ state: ChangeState.Scheduled, conflictOverride: null });
    expect(await events(ChangeEvents.conflictDetected, critical.id)).toEqual([]);
  });

  it('holds an approved change on a dependent CI in an overlapping window, names the conflict, and schedules it on a manager’s override', async () => {
    // The billing service depends on the billing API: it is in the critical change's impact set.
    const overlapping = { plannedStart: new Date(Date.parse(critical.plannedStart) + HOUR).toISOString(), plannedEnd: new Date(Date.parse(critical.plannedEnd) + HOUR).toISOString() };
    dependent = await moveTo(await raise({ title: 'Switch the billing service to the new tariff tables', ciIds: [billingService.id], ...overlapping }), ChangeState.Assess);
    dependent = await moveTo(dependent, ChangeState.Authorize);
    dependent = await approveByPolicy(dependent);

    const namesCritical = (conflicts: ChangeConflict[]): void => {
      expect(conflicts).toEqual([expect.objectContaining({ kind: ConflictKind.Change, id: critical.id, name: critical.number, from: critical.plannedStart, to: critical.plannedEnd })]);
    };
    expect(dependent).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Approved } });
    namesCritical(dependent.conflicts);
    const [detected] = await eventsWhen<ChangeConflictDetectedV1>(ChangeEvents.conflictDetected, dependent.id, 1);
    namesCritical(detected?.body.data.conflicts ?? []);
    expect(await events(ChangeEvents.scheduled, dependent.id)).toEqual([]);

    const check = await call<ChangeConflictCheck>('GET', `/v1/changes/${dependent.id}/conflicts`, sam);
    expect(check.status).toBe(200);
    expect(check.body.changeId).toBe(dependent.id);
    namesCritical(check.body.conflicts);

    const refused = expectProblem(await transition(dependent.id, { to: ChangeState.Scheduled }), 409, ErrorCode.CONFLICT, ChangeErrorCode.ScheduleConflict);
    namesCritical(refused['conflicts'] as ChangeConflict[]);
    expect(refused.detail).toContain(critical.number);
    expect((await getChange(dependent.id)).state).toBe(ChangeState.Authorize);

    const reason = 'The billing team runs both changes in one session.';
    const overridden = await transition(dependent.id, { to: ChangeState.Scheduled, override: { reason } }, maria);
    expect(overridden.status).toBe(200);
    expect(overridden.body).toMatchObject({ state: ChangeState.Scheduled, conflictOverride: { reason, by: 'maria' } });
    dependent = overridden.body;
    const [scheduled] = await eventsWhen<ChangeScheduledV1>(ChangeEvents.scheduled, dependent.id, 1);
    expect(scheduled?.body.data.change.conflictOverride).toMatchObject({ reason, by: 'maria' });
  });

  it('answers a pipeline’s gate: closed before approval, open once scheduled inside the window, closed under a global blackout, open again without it', async () => {
    // Its window opened a minute ago.
    deploying = await raise({ title: 'Deploy label printer API 1.8', ciIds: [leaf.id], ...windowOf(-1 / 60) });
    deploying = await moveTo(deploying, ChangeState.Assess);
    expect(deploying.risk?.level).toBe(RiskLevel.Low);
    deploying = await moveTo(deploying, ChangeState.Authorize);
    expect(deploying.approval).toMatchObject({ role: Role.Manager, quorum: 1, state: ChangeApprovalState.Pending });

    const before = await gate(deploying.id);
    expect(before.allowed).toBe(false);
    expect(before.reasons).toEqual(expect.arrayContaining([expect.stringContaining('not approved'), expect.stringContaining('state authorize')]));

    deploying = await approveByPolicy(deploying);
    expect(deploying).toMatchObject({ state: ChangeState.Scheduled, conflicts: [] });
    await expect(gate(deploying.id)).resolves.toMatchObject({ allowed: true, reasons: [] });

    const freeze = await call<BlackoutWindowView>('POST', '/v1/changes/blackouts', maria, {
      name: 'Emergency freeze',
      description: 'Payment provider incident: nothing moves.',
      scope: BlackoutScope.Global,
      start: new Date(Date.now() - HOUR).toISOString(),
      end: new Date(Date.now() + HOUR).toISOString(),
      timeZone: 'UTC',
    });
    expect(freeze.status).toBe(201);
    const frozen = await gate(deploying.id);
    expect(frozen.allowed).toBe(false);
    expect(frozen.reasons).toEqual([expect.stringContaining(`Blackout "${freeze.body.name}"`)]);

    const removed = await call('DELETE', `/v1/changes/blackouts/${freeze.body.id}`, maria);
    expect([200, 204]).toContain(removed.status);
    expect((await call('GET', `/v1/changes/blackouts/${freeze.body.id}`, sam)).status).toBe(404);
    await expect(gate(deploying.id)).resolves.toMatchObject({ allowed: true, reasons: [] });
  });

  it('serves the scheduled changes as an iCalendar that ical.js reads, each with its number and window', async () => {
    const from = new Date(Date.now() - 24 * HOUR).toISOString();
    const to = new Date(Date.now() + 7 * 24 * HOUR).toISOString();
    const response = await fetch(`${suite.baseUrl}/v1/changes/calendar.ics?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { headers: { authorization: `Bearer ${sam}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');

    const vcalendar = new ICAL.Component(ICAL.parse(await response.text()));
    const vevents = vcalendar.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      return { summary: event.summary, start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString() };
    });
    const scheduled = [critical, dependent, deploying];
    expect(vevents).toHaveLength(scheduled.length);
    for (const change of scheduled) {
      const [event] = vevents.filter(({ summary }) => summary.startsWith(`${change.number} `));
      expect(event).toEqual({ summary: `${change.number} ${change.title}`, start: new Date(change.plannedStart).toISOString(), end: new Date(change.plannedEnd).toISOString() });
    }
    // The leaf change only assessed holds no window.
    expect(vevents.some(({ summary }) => summary.includes(minor.number))).toBe(false);
  });

  describe('refusals', () => {
    it('refuses a window that ends before it starts with 400 naming plannedEnd', async () => {
      const start = Date.now() + 72 * HOUR;
      const refused = expectProblem(
        await call('POST', '/v1/changes', sam, { type: ChangeType.Normal, title: 'Backwards window', ciIds: [leaf.id], plannedStart: new Date(start).toISOString(), plannedEnd: new Date(start - HOUR).toISOString() }),
        400,
        ErrorCode.VALIDATION,
      );
      expect(refused.errors?.map((error) => error.field)).toEqual(['plannedEnd']);
    });

    it('refuses CIs the CMDB does not know with 422 listing them', async () => {
      const unknown = [randomUUID(), randomUUID()];
      const refused = expectProblem(
        await call('POST', '/v1/changes', sam, { type: ChangeType.Normal, title: 'Change on ghost servers', ciIds: [leaf.id, ...unknown], ...windowOf(72) }),
        422,
        ErrorCode.UNPROCESSABLE,
        ChangeErrorCode.UnknownCis,
      );
      expect([...(refused['ciIds'] as string[])].sort()).toEqual([...unknown].sort());
      await expect(client.all<ChangeView>('/v1/changes?q=ghost', sam)).resolves.toEqual([]);
    });

    it('refuses a standard change on a CI of a class its template does not allow with 422 naming the CI', async () => {
      const template = await call<ChangeTemplateView>('POST', '/v1/changes/templates', maria, {
        name: 'Restart an application',
        implementationPlan: '1. Drain. 2. Restart. 3. Re-enable.',
        backoutPlan: 'Re-enable the previous instance.',
        allowedCiClasses: ['application'],
        maxDurationMinutes: 60,
      });
      expect(template.status).toBe(201);
      const standard = { type: ChangeType.Standard, templateId: template.body.id, title: 'Restart billing', ...windowOf(96, 0.5) };
      const refused = expectProblem(await call('POST', '/v1/changes', sam, { ...standard, ciIds: [billingService.id] }), 422, ErrorCode.UNPROCESSABLE, ChangeErrorCode.CiClassNotAllowed);
      expect(refused['ciIds']).toEqual([billingService.id]);
      expect(refused['allowed']).toEqual(['application']);
      // The same template takes a CI of its class.
      const allowed = await call<ChangeView>('POST', '/v1/changes', sam, { ...standard, ciIds: [billingApi.id] });
      expect(allowed.status).toBe(201);
      expect(allowed.body).toMatchObject({ type: ChangeType.Standard, templateId: template.body.id, implementationPlan: template.body.implementationPlan });
    });

    it('answers a requester 403 on the list of changes', async () => {
      expectProblem(await call('GET', '/v1/changes', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await call('GET', `/v1/changes/${critical.id}`, alice), 403, ErrorCode.FORBIDDEN);
    });
  });
});

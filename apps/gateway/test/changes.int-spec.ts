/**
 * Changes, approvals, the change calendar, templates, blackout and maintenance windows, releases and change reports
 * over HTTP: the gateway in-process, the built change service (and the built cmdb service, which it asks about CIs)
 * as processes, real NATS and PostgreSQL. What reaches the change service is seen on the bus by a subscription
 * beside the service's own, which answers nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'nats';
import {
  type BlackoutWindowView,
  ChangeErrorCode,
  type ChangeCalendar,
  type ChangeCommentList,
  type ChangeConflictCheck,
  type ChangeHistory,
  type ChangePage,
  ChangeRpc,
  ChangeState,
  type ChangeTemplateView,
  type ChangeView,
  type CiView,
  CommonErrorCode,
  ErrorCode,
  type GateAnswer,
  type MaintenanceWindowView,
  type ReleaseGateAnswer,
  type ReleaseView,
  Role,
} from '@itsm/contracts';
import { freePort, mintToken, type ServiceProcess, serviceTestEnv, spawnApp, waitUntilReady } from '@itsm/testing';
import { expectProblem, GatewayWithService, problemFields, type Reply } from './support/gateway-with-service';
import { ServedSchema } from './support/served-schema';

const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const maria = mintToken({ sub: 'maria', roles: [Role.Manager] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const carl = mintToken({ sub: 'carl', name: 'Carl CAB', roles: [Role.Cab] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const PERIOD = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
const CHANGE_RPCS = 'itsm.rpc.change.>';

const CHANGE = {
  type: 'normal',
  title: 'Upgrade the VPN gateway firmware to 9.4',
  ciIds: [randomUUID()],
  plannedStart: '2026-11-02T09:30:00Z',
  plannedEnd: '2026-11-02T11:30:00Z',
};
const TEMPLATE = {
  name: 'Restart an application server',
  implementationPlan: 'Drain, restart, re-enable.',
  backoutPlan: 'Re-enable the node.',
  allowedCiClasses: ['application_server'],
  maxDurationMinutes: 60,
};
const BLACKOUT = { name: 'Friday freeze', scope: 'global', start: '2026-11-06T14:00:00+01:00', end: '2026-11-06T23:59:00+01:00', rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin' };
const MAINTENANCE = { name: 'Payroll database maintenance', ciIds: [randomUUID()], start: '2026-11-08T01:00:00+01:00', end: '2026-11-08T05:00:00+01:00', timeZone: 'Europe/Berlin' };
const RELEASE = { name: 'November network release', plannedStart: '2026-11-30T09:00:00Z', plannedEnd: '2026-11-30T18:00:00Z' };

type Route = readonly [method: string, path: string, body?: object];

/** Every change route with a body it takes, about records that may or may not exist. */
function everyRoute(id: string): Route[] {
  return [
    ['POST', '/v1/changes', CHANGE],
    ['GET', '/v1/changes'],
    ['GET', `/v1/changes/${id}`],
    ['GET', '/v1/changes/CHG0001001'],
    ['PATCH', `/v1/changes/${id}`, { title: 'Mine now' }],
    ['POST', `/v1/changes/${id}/transitions`, { to: 'assess' }],
    ['GET', `/v1/changes/${id}/history`],
    ['GET', `/v1/changes/${id}/comments`],
    ['POST', `/v1/changes/${id}/comments`, { body: 'Me too' }],
    ['POST', `/v1/changes/${id}/approvals`, { decision: 'approve' }],
    ['POST', `/v1/changes/${id}/approvals/delegate`, { to: 'alex' }],
    ['GET', `/v1/changes/${id}/conflicts`],
    ['GET', `/v1/changes/${id}/gate`],
    ['GET', `/v1/changes/calendar?${PERIOD}`],
    ['GET', `/v1/changes/calendar.ics?${PERIOD}`],
    ['GET', '/v1/changes/templates'],
    ['POST', '/v1/changes/templates', TEMPLATE],
    ['GET', `/v1/changes/templates/${id}`],
    ['PUT', `/v1/changes/templates/${id}`, TEMPLATE],
    ['DELETE', `/v1/changes/templates/${id}`],
    ['GET', '/v1/changes/blackouts'],
    ['POST', '/v1/changes/blackouts', BLACKOUT],
    ['GET', `/v1/changes/blackouts/${id}`],
    ['PUT', `/v1/changes/blackouts/${id}`, BLACKOUT],
    ['DELETE', `/v1/changes/blackouts/${id}`],
    ['GET', '/v1/changes/maintenance-windows'],
    ['POST', '/v1/changes/maintenance-windows', MAINTENANCE],
    ['GET', `/v1/changes/maintenance-windows/${id}`],
    ['PUT', `/v1/changes/maintenance-windows/${id}`, MAINTENANCE],
    ['DELETE', `/v1/changes/maintenance-windows/${id}`],
    ['POST', '/v1/releases', RELEASE],
    ['GET', '/v1/releases'],
    ['GET', `/v1/releases/${id}`],
    ['PATCH', `/v1/releases/${id}`, { name: 'December network release' }],
    ['POST', `/v1/releases/${id}/transitions`, { to: 'build' }],
    ['GET', `/v1/releases/${id}/gate`],
    ['GET', `/v1/reports/changes/success-rate?${PERIOD}`],
    ['GET', `/v1/reports/changes/emergency-ratio?${PERIOD}`],
    ['GET', `/v1/reports/changes/caused-incidents?${PERIOD}`],
  ];
}

/** The routes the CAB may call: reading changes, and voting on them. */
const CAB_ROUTES = new Set(['GET /v1/changes', 'GET /v1/changes/{id}', 'GET /v1/changes/{id}/history', 'GET /v1/changes/{id}/comments', 'POST /v1/changes/{id}/comments', 'POST /v1/changes/{id}/approvals', 'POST /v1/changes/{id}/approvals/delegate']);

describe('change enablement through the gateway', () => {
  let h: GatewayWithService;
  let cmdbService: ServiceProcess | undefined;

  beforeAll(async () => {
    h = await GatewayWithService.start('change');
    // The change service asks the CMDB about the CIs of a change: it runs beside, on the same database and broker.
    const port = await freePort();
    cmdbService = spawnApp('cmdb', serviceTestEnv(h.database, { HEALTH_PORT: String(port) }));
    await waitUntilReady(cmdbService, port);
  }, 90_000);

  afterAll(async () => {
    await cmdbService?.kill('SIGTERM');
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  /** Rows of the change schema that a refused request must leave as they were. */
  async function written(): Promise<Record<string, number>> {
    const [row] = await h.database.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM change.changes) AS changes, (SELECT count(*)::int FROM change.change_templates) AS templates,
              (SELECT count(*)::int FROM change.blackout_windows) AS blackouts, (SELECT count(*)::int FROM change.maintenance_windows) AS maintenance,
              (SELECT count(*)::int FROM change.releases) AS releases, (SELECT count(*)::int FROM change.outbox) AS outbox,
              (SELECT count(*)::int FROM change.audit_log) AS audit`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  /**
   * The change RPCs the gateway sends while `act` runs, with what each carries: a subscription of its own beside
   * the service's, which answers none of them.
   */
  async function sentWhile<T>(act: () => Promise<T>): Promise<{ result: T; sent: Array<{ subject: string; data: unknown }> }> {
    const sent: Array<{ subject: string; data: unknown }> = [];
    const watch: Subscription = h.nc.subscribe(CHANGE_RPCS, { callback: (_error, msg) => sent.push({ subject: msg.subject, data: msg.json<{ data: unknown }>().data }) });
    await h.nc.flush();
    try {
      const result = await act();
      await h.nc.flush();
      return { result, sent };
    } finally {
      watch.unsubscribe();
    }
  }

  function call<T = unknown>([method, path, body]: Route, token: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return h.call<T>(method, path, token, { ...(body ? { body } : {}), headers });
  }

  const template = (path: string, id: string): string => path.split('?')[0]?.replaceAll(id, '{id}') ?? path;

  describe('who may call', () => {
    it('refuses a requester every change route with the same 403, sending nothing to the change service and writing nothing', async () => {
      const id = randomUUID();
      const before = await written();

      const { result, sent } = await sentWhile(() => Promise.all(everyRoute(id).map(async (route) => ({ route: `${route[0]} ${route[1]}`, reply: await call(route, alice) }))));

      for (const { route, reply } of result) {
        const refused = expectProblem(reply, 403, ErrorCode.FORBIDDEN);
        expect({ route, reason: refused['reason'] }).toEqual({ route, reason: CommonErrorCode.RoleRequired });
      }
      // A change that may exist and an id that cannot be one are refused alike.
      const [aboutUuid, aboutNumber] = [`GET /v1/changes/${id}`, 'GET /v1/changes/CHG0001001'].map((route) => {
        const { instance: _path, ...about } = result.find((answer) => answer.route === route)?.reply.body as Record<string, unknown>;
        return about;
      });
      expect(aboutUuid).toEqual(aboutNumber);
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses the CAB every route but reading changes, commenting and voting with 403, sending nothing to the change service', async () => {
      const id = randomUUID();
      const refusedRoutes = everyRoute(id).filter(([method, path]) => !CAB_ROUTES.has(`${method} ${template(path, id)}`) && path !== '/v1/changes/CHG0001001');
      const before = await written();

      const { result, sent } = await sentWhile(() => Promise.all(refusedRoutes.map(async (route) => ({ route: `${route[0]} ${route[1]}`, reply: await call(route, carl) }))));

      expect(refusedRoutes.length).toBe(everyRoute(id).length - CAB_ROUTES.size - 1);
      for (const { route, reply } of result) {
        const refused = expectProblem(reply, 403, ErrorCode.FORBIDDEN);
        expect({ route, reason: refused['reason'] }).toEqual({ route, reason: CommonErrorCode.RoleRequired });
      }
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });

    it('lets the CAB read changes, comment, vote and delegate: each request reaches the change service as the RPC of its route', async () => {
      const id = randomUUID();
      const allowed = everyRoute(id).filter(([method, path]) => CAB_ROUTES.has(`${method} ${template(path, id)}`) && path !== '/v1/changes/CHG0001001');

      const { result, sent } = await sentWhile(() => Promise.all(allowed.map((route) => call(route, carl))));

      expect(result.map((reply) => reply.status)).not.toContain(403);
      expect(sent.map((rpc) => rpc.subject).sort()).toEqual(
        [ChangeRpc.list, ChangeRpc.get, ChangeRpc.history, ChangeRpc.listComments, ChangeRpc.addComment, ChangeRpc.vote, ChangeRpc.delegate].map((rpc) => rpc.subject).sort(),
      );
      expect(sent.find((rpc) => rpc.subject === ChangeRpc.vote.subject)?.data).toEqual({ id, decision: 'approve' });
      expect(sent.find((rpc) => rpc.subject === ChangeRpc.delegate.subject)?.data).toEqual({ id, to: 'alex' });
    });

    it('keeps templates, blackout and maintenance windows to managers and admins for writing: an agent gets 403 and nothing reaches the service', async () => {
      const id = randomUUID();
      const writes = everyRoute(id).filter(([method, path]) => method !== 'GET' && /\/v1\/changes\/(templates|blackouts|maintenance-windows)/.test(path));
      const before = await written();

      const { result, sent } = await sentWhile(() => Promise.all(writes.map((route) => call(route, sam))));

      expect(writes).toHaveLength(9);
      for (const reply of result) expectProblem(reply, 403, ErrorCode.FORBIDDEN);
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });
  });

  describe('routes under /v1/changes with fixed paths', () => {
    it.each([
      ['/v1/changes/templates', ChangeRpc.listTemplates.subject],
      ['/v1/changes/blackouts', ChangeRpc.listBlackouts.subject],
      ['/v1/changes/maintenance-windows', ChangeRpc.listMaintenanceWindows.subject],
      [`/v1/changes/calendar?${PERIOD}`, ChangeRpc.calendar.subject],
      [`/v1/changes/calendar.ics?${PERIOD}`, ChangeRpc.calendarIcs.subject],
    ])('serves GET %s by its own route, not as a change id', async (path, subject) => {
      const { result: status, sent } = await sentWhile(async () => (await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${sam}` } })).status);

      expect(status).not.toBe(400);
      expect(sent.map((rpc) => rpc.subject)).toEqual([subject]);
    });

    it('serves a template, a blackout and a maintenance window by id under their own paths', async () => {
      const id = randomUUID();

      const { sent } = await sentWhile(() =>
        Promise.all(['templates', 'blackouts', 'maintenance-windows'].map((kind) => h.call('GET', `/v1/changes/${kind}/${id}`, sam))),
      );

      expect(sent.map((rpc) => rpc.subject).sort()).toEqual([ChangeRpc.getTemplate.subject, ChangeRpc.getBlackout.subject, ChangeRpc.getMaintenanceWindow.subject].sort());
      expect(sent.map((rpc) => rpc.data)).toEqual([{ id }, { id }, { id }]);
    });
  });

  describe('input the gateway refuses without asking the service', () => {
    it.each([
      ['no type', { type: undefined }, ['type']],
      ['an unknown type', { type: 'minor' }, ['type']],
      ['a short title', { title: 'Up' }, ['title']],
      ['a CI id that is not a UUID', { ciIds: ['vpn1'] }, ['ciIds']],
      ['more than 100 CIs', { ciIds: Array.from({ length: 101 }, () => randomUUID()) }, ['ciIds']],
      ['a start without its offset', { plannedStart: '2026-11-02T09:30:00' }, ['plannedStart']],
      ['no end', { plannedEnd: undefined }, ['plannedEnd']],
      ['a template id that is not a UUID', { type: 'standard', templateId: 'restart' }, ['templateId']],
      ['an assignment group with a line break', { assignmentGroup: 'network\nops' }, ['assignmentGroup']],
      ['a problem id that is not a UUID', { problemIds: ['PRB0001001'] }, ['problemIds']],
      ['a requester of its own', { requestedBy: 'maria' }, ['requestedBy']],
      ['a state', { state: 'scheduled' }, ['state']],
    ])('refuses a new change with %s: 400 naming the field, sending and writing nothing', async (_label, change, fields) => {
      const before = await written();

      const { result: reply, sent } = await sentWhile(() => h.call('POST', '/v1/changes', sam, { body: { ...CHANGE, ...change } }));

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });

    it.each([
      ['PATCH', '/v1/changes/CHG0001001', { title: 'Renamed' }, ['id']],
      ['PATCH', '/v1/changes/{id}', { type: 'emergency' }, ['type']],
      ['PATCH', '/v1/changes/{id}', { state: 'closed' }, ['state']],
      ['PATCH', '/v1/changes/{id}', { plannedEnd: 'tomorrow' }, ['plannedEnd']],
      ['PATCH', '/v1/changes/{id}', { title: null }, ['title']],
      ['POST', '/v1/changes/{id}/transitions', { to: 'done' }, ['to']],
      ['POST', '/v1/changes/{id}/transitions', { to: 'review', outcome: 'great' }, ['outcome']],
      ['POST', '/v1/changes/{id}/transitions', { to: 'review', outcome: 'failed', backoutPerformed: 'yes' }, ['backoutPerformed']],
      ['POST', '/v1/changes/{id}/transitions', { to: 'scheduled', override: { reason: 'ok' } }, ['override.reason']],
      ['POST', '/v1/changes/{id}/transitions', { to: 'canceled', reason: 'no' }, ['reason']],
      ['POST', '/v1/changes/{id}/comments', { body: '' }, ['body']],
      ['POST', '/v1/changes/{id}/approvals', { decision: 'maybe' }, ['decision']],
      ['POST', '/v1/changes/{id}/approvals', { decision: 'approve', onBehalfOf: 'morgan' }, ['onBehalfOf']],
      ['POST', '/v1/changes/{id}/approvals/delegate', {}, ['to']],
      ['POST', '/v1/changes/templates', { ...TEMPLATE, maxDurationMinutes: 0 }, ['maxDurationMinutes']],
      ['POST', '/v1/changes/templates', { ...TEMPLATE, allowedCiClasses: ['Application Server'] }, ['allowedCiClasses']],
      ['PUT', '/v1/changes/templates/{id}', { ...TEMPLATE, backoutPlan: undefined }, ['backoutPlan']],
      ['POST', '/v1/changes/blackouts', { ...BLACKOUT, rrule: 'every friday' }, ['rrule']],
      ['POST', '/v1/changes/blackouts', { ...BLACKOUT, timeZone: 'Mars/Olympus' }, ['timeZone']],
      ['POST', '/v1/changes/blackouts', { ...BLACKOUT, scope: 'team' }, ['scope']],
      ['PUT', '/v1/changes/blackouts/{id}', { ...BLACKOUT, start: undefined }, ['start']],
      ['POST', '/v1/changes/maintenance-windows', { ...MAINTENANCE, ciIds: [] }, ['ciIds']],
      ['PUT', '/v1/changes/maintenance-windows/{id}', { ...MAINTENANCE, end: '2026-11-08' }, ['end']],
      ['POST', '/v1/releases', { ...RELEASE, changeIds: ['CHG0001001'] }, ['changeIds']],
      ['POST', '/v1/releases', { ...RELEASE, state: 'build' }, ['state']],
      ['PATCH', '/v1/releases/{id}', { number: 'REL0000001' }, ['number']],
      ['POST', '/v1/releases/{id}/transitions', { to: 'shipped' }, ['to']],
    ])('refuses %s %s with %j: 400 naming %j, sending nothing', async (method, path, body, fields) => {
      const { result: reply, sent } = await sentWhile(() => h.call(method, path.replace('{id}', randomUUID()), maria, { body }));

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      expect(sent).toEqual([]);
    });

    it.each([
      ['GET', '/v1/changes/CHG0001001', ['id']],
      ['GET', '/v1/changes/not-a-change/gate', ['id']],
      ['GET', `/v1/changes/${randomUUID()}?expand=approval`, ['expand']],
      ['GET', `/v1/changes/${randomUUID()}/history?limit=5`, ['limit']],
      ['GET', `/v1/changes/${randomUUID()}/conflicts?dryRun=true`, ['dryRun']],
      ['GET', `/v1/changes/${randomUUID()}/gate?at=2026-11-02T10:00:00Z`, ['at']],
      ['GET', '/v1/changes?state=open', ['state']],
      ['GET', '/v1/changes?state=new,done', ['state']],
      ['GET', '/v1/changes?type=minor', ['type']],
      ['GET', '/v1/changes?riskLevel=extreme', ['riskLevel']],
      ['GET', '/v1/changes?sort=-title', ['sort']],
      ['GET', '/v1/changes?ciId=vpn1', ['ciId']],
      ['GET', '/v1/changes?from=yesterday', ['from']],
      ['GET', '/v1/changes?limit=0', ['limit']],
      ['GET', '/v1/changes?owner=sam', ['owner']],
      ['GET', '/v1/changes/calendar?from=2026-11-01T00:00:00Z', ['to']],
      ['GET', '/v1/changes/calendar?from=2026-11-01&to=2026-12-01T00:00:00Z', ['from']],
      ['GET', `/v1/changes/calendar?${PERIOD}&ciId=vpn1`, ['ciId']],
      ['GET', `/v1/changes/calendar?${PERIOD}&type=normal`, ['type']],
      ['GET', '/v1/changes/calendar.ics', ['from', 'to']],
      ['GET', `/v1/changes/calendar.ics?${PERIOD}&format=json`, ['format']],
      ['GET', '/v1/changes/templates?enabled=yes', ['enabled']],
      ['GET', '/v1/changes/templates/restart', ['id']],
      ['GET', '/v1/changes/blackouts?scope=team', ['scope']],
      ['GET', '/v1/changes/blackouts?targetId=vpn1', ['targetId']],
      ['GET', '/v1/changes/blackouts/friday', ['id']],
      ['GET', '/v1/changes/maintenance-windows?ciId=db-01', ['ciId']],
      ['GET', '/v1/changes/maintenance-windows?scope=global', ['scope']],
      ['GET', '/v1/releases?state=shipping', ['state']],
      ['GET', '/v1/releases?sort=name', ['sort']],
      ['GET', '/v1/releases?changeId=CHG0001001', ['changeId']],
      ['GET', '/v1/releases/REL0001001', ['id']],
      ['GET', '/v1/releases/REL0001001/gate', ['id']],
      ['GET', '/v1/reports/changes/success-rate?from=2026-11-01T00:00:00Z', ['to']],
      ['GET', `/v1/reports/changes/success-rate?${PERIOD}&limit=5`, ['limit']],
      ['GET', '/v1/reports/changes/emergency-ratio?from=last-month&to=2026-12-01T00:00:00Z', ['from']],
      ['GET', `/v1/reports/changes/caused-incidents?${PERIOD}&limit=101`, ['limit']],
      ['GET', `/v1/reports/changes/caused-incidents?${PERIOD}&limit=0`, ['limit']],
    ])('refuses %s %s with 400 naming %j, sending nothing', async (method, path, fields) => {
      const { result: reply, sent } = await sentWhile(() => h.call(method, path, sam));

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      expect(sent).toEqual([]);
    });

    it('refuses a malformed If-Match and Idempotency-Key with 400 naming the header, sending and writing nothing', async () => {
      const id = randomUUID();
      const before = await written();

      const { result, sent } = await sentWhile(() =>
        Promise.all([
          h.call('PATCH', `/v1/changes/${id}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': 'version-1' } }),
          h.call('POST', `/v1/changes/${id}/transitions`, sam, { body: { to: 'assess' }, headers: { 'if-match': '"one"' } }),
          h.call('POST', `/v1/changes/${id}/approvals`, carl, { body: { decision: 'approve' }, headers: { 'if-match': '3' } }),
          h.call('PUT', `/v1/changes/templates/${id}`, maria, { body: TEMPLATE, headers: { 'if-match': 'W/3' } }),
          h.call('POST', '/v1/changes', sam, { body: CHANGE, headers: { 'idempotency-key': 'two words' } }),
          h.call('POST', '/v1/releases', sam, { body: RELEASE, headers: { 'idempotency-key': 'k'.repeat(256) } }),
        ]),
      );

      for (const reply of result) expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(result.map(problemFields)).toEqual([['If-Match'], ['If-Match'], ['If-Match'], ['If-Match'], ['Idempotency-Key'], ['Idempotency-Key']]);
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });

    it('passes If-Match on as the expected version and Idempotency-Key as the key of the create', async () => {
      const id = randomUUID();
      const key = randomUUID();

      const { sent } = await sentWhile(() =>
        Promise.all([
          h.call('PATCH', `/v1/changes/${id}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': '"4"' } }),
          h.call('POST', `/v1/changes/${id}/transitions`, sam, { body: { to: 'assess' }, headers: { 'if-match': 'W/"5"' } }),
          h.call('POST', '/v1/changes', sam, { body: CHANGE, headers: { 'idempotency-key': key } }),
        ]),
      );

      expect(sent.map(({ subject, data }) => ({ subject, data })).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual(
        [
          { subject: ChangeRpc.update.subject, data: { id, changes: { title: 'Renamed' }, expectedVersion: 4 } },
          { subject: ChangeRpc.transition.subject, data: { id, transition: { to: 'assess' }, expectedVersion: 5 } },
          { subject: ChangeRpc.create.subject, data: { ...CHANGE, idempotencyKey: key } },
        ].sort((a, b) => a.subject.localeCompare(b.subject)),
      );
    });

    it('refuses a body that is not JSON with 415 naming Content-Type, on every route that takes a body', async () => {
      const id = randomUUID();
      const routes = everyRoute(id).filter(([method]) => method !== 'GET' && method !== 'DELETE');
      const before = await written();

      const { result, sent } = await sentWhile(() =>
        Promise.all(routes.map(([method, path]) => h.call(method, path, ada, { body: 'to=assess', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))),
      );

      expect(routes).toHaveLength(15);
      for (const reply of result) expectProblem(reply, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expect([...new Set(result.map(problemFields).flat())]).toEqual(['Content-Type']);
      expect(sent).toEqual([]);
      await expect(written()).resolves.toEqual(before);
    });
  });

  describe('with the change service', () => {
    /** A CI the CMDB knows, for the changes to touch. */
    async function ci(): Promise<string> {
      const reply = await h.call<CiView>('POST', '/v1/cis', sam, { body: { className: 'server', name: `vpn-${randomUUID().slice(0, 8)}`, environment: 'prod' } });
      expect(reply.status).toBe(201);
      return reply.body.id;
    }

    async function raise(overrides: Record<string, unknown> = {}, token = sam): Promise<ChangeView> {
      const reply = await h.call<ChangeView>('POST', '/v1/changes', token, { body: { ...CHANGE, ciIds: [await ci()], ...overrides } });
      expect(reply.status).toBe(201);
      return reply.body;
    }

    function transition(id: string, body: object, token = sam, headers: Record<string, string> = {}): Promise<Reply<ChangeView>> {
      return h.call<ChangeView>('POST', `/v1/changes/${id}/transitions`, token, { body, headers });
    }

    /** A token of someone holding the role an approval asks for. */
    const holderOf = (role: string | undefined): string => (role === Role.Cab ? carl : role === Role.Manager ? maria : ada);

    it('raises a change: 201 with Location and ETag "1", readable there with the same ETag, raised by the caller', async () => {
      const ciId = await ci();

      const created = await h.call<ChangeView>('POST', '/v1/changes', sam, { body: { ...CHANGE, ciIds: [ciId], assignmentGroup: 'network-ops' } });

      expect(created).toMatchObject({ status: 201, body: { number: expect.stringMatching(/^CHG\d{7}$/), type: 'normal', state: ChangeState.New, requestedBy: 'sam', ciIds: [ciId], risk: null, approval: null, version: 1 } });
      expect([created.headers.get('location'), created.headers.get('etag')]).toEqual([`/v1/changes/${created.body.id}`, '"1"']);
      const read = await h.call<ChangeView>('GET', created.headers.get('location') ?? '', carl);
      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(read.headers.get('etag')).toBe('"1"');
      await expect(h.database.query('SELECT title, state, assignment_group FROM change.changes WHERE id = $1', [created.body.id])).resolves.toEqual([
        { title: CHANGE.title, state: 'new', assignment_group: 'network-ops' },
      ]);
    });

    it('answers a retry with the same Idempotency-Key with the change the first request raised, and another body with 422', async () => {
      const key = randomUUID();
      const body = { ...CHANGE, title: `Replace the core switch ${key.slice(0, 8)}`, ciIds: [await ci()] };

      const first = await h.call<ChangeView>('POST', '/v1/changes', sam, { body, headers: { 'idempotency-key': key } });
      const retry = await h.call<ChangeView>('POST', '/v1/changes', sam, { body, headers: { 'idempotency-key': key } });
      const other = await h.call('POST', '/v1/changes', sam, { body: { ...body, title: 'Another change' }, headers: { 'idempotency-key': key } });

      expect([first.status, retry.status, retry.body.id]).toEqual([201, 201, first.body.id]);
      expectProblem(other, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(other)).toEqual(['Idempotency-Key']);
      await expect(h.database.query('SELECT count(*)::int AS n FROM change.changes WHERE title = $1', [body.title])).resolves.toEqual([{ n: 1 }]);
    });

    it('refuses a window that ends before it starts with 400 naming plannedEnd, and CIs the CMDB does not know with 422 listing them', async () => {
      const before = await written();
      const unknownCi = randomUUID();

      const backwards = await h.call('POST', '/v1/changes', sam, { body: { ...CHANGE, ciIds: [await ci()], plannedEnd: '2026-11-02T08:00:00Z' } });
      const unknown = expectProblem(await h.call('POST', '/v1/changes', sam, { body: { ...CHANGE, ciIds: [unknownCi] } }), 422, ErrorCode.UNPROCESSABLE);

      expectProblem(backwards, 400, ErrorCode.VALIDATION);
      expect(problemFields(backwards)).toEqual(['plannedEnd']);
      expect(unknown['reason']).toBe(ChangeErrorCode.UnknownCis);
      expect(JSON.stringify(unknown)).toContain(unknownCi);
      await expect(written()).resolves.toEqual(before);
    });

    it('answers an unknown change with 404 CHANGE_NOT_FOUND, to the CAB as to agents', async () => {
      const id = randomUUID();

      const [agent, cab] = await Promise.all([h.call('GET', `/v1/changes/${id}`, sam), h.call('GET', `/v1/changes/${id}`, carl)]);

      expect([expectProblem(agent, 404, ErrorCode.NOT_FOUND)['reason'], expectProblem(cab, 404, ErrorCode.NOT_FOUND)['reason']]).toEqual([ChangeErrorCode.NotFound, ChangeErrorCode.NotFound]);
    });

    it('honours If-Match on an update: 412 for a stale version and nothing changed, 200 with ETag "2" for the current one', async () => {
      const change = await raise();

      expectProblem(await h.call('PATCH', `/v1/changes/${change.id}`, sam, { body: { implementerId: 'tom' }, headers: { 'if-match': '"7"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      await expect(h.database.query('SELECT implementer_id, version FROM change.changes WHERE id = $1', [change.id])).resolves.toEqual([{ implementer_id: null, version: 1 }]);

      const changed = await h.call<ChangeView>('PATCH', `/v1/changes/${change.id}`, sam, { body: { implementerId: 'tom', testPlan: 'Connect 300 test clients.' }, headers: { 'if-match': '"1"' } });

      expect(changed).toMatchObject({ status: 200, body: { implementerId: 'tom', testPlan: 'Connect 300 test clients.', version: 2 } });
      expect(changed.headers.get('etag')).toBe('"2"');
    });

    it('assesses and asks for approval; a vote by someone without the role is 403, a reject vetoes back to new, and a vote after it is 409', async () => {
      const change = await raise();

      const skipped = expectProblem(await transition(change.id, { to: 'closed' }), 409, ErrorCode.INVALID_TRANSITION);
      expect(skipped).toMatchObject({ reason: ChangeErrorCode.InvalidTransition, allowed: expect.arrayContaining([ChangeState.Assess, ChangeState.Canceled]) });
      expectProblem(await transition(change.id, { to: 'assess' }, sam, { 'if-match': '"9"' }), 412, ErrorCode.PRECONDITION_FAILED);

      const assessed = await transition(change.id, { to: 'assess' }, sam, { 'if-match': '"1"' });
      expect(assessed).toMatchObject({ status: 200, body: { state: ChangeState.Assess, risk: { level: expect.any(String), score: expect.any(Number) } } });
      expect(assessed.headers.get('etag')).toBe(`"${assessed.body.version}"`);
      const authorizing = await transition(change.id, { to: 'authorize' });
      expect(authorizing).toMatchObject({ status: 200, body: { state: ChangeState.Authorize, approval: { state: 'pending', votes: [] } } });
      const holder = holderOf(authorizing.body.approval?.role);

      const stranger = expectProblem(await h.call('POST', `/v1/changes/${change.id}/approvals`, sam, { body: { decision: 'approve' } }), 403, ErrorCode.FORBIDDEN);
      expect(stranger['reason']).toBe(ChangeErrorCode.ApproverRoleRequired);
      const vetoed = await h.call<ChangeView>('POST', `/v1/changes/${change.id}/approvals`, holder, { body: { decision: 'reject', comment: 'No test plan for the standby gateway.' } });
      expect(vetoed).toMatchObject({ status: 200, body: { state: ChangeState.New, approval: { state: 'rejected', votes: [{ decision: 'reject', comment: 'No test plan for the standby gateway.' }] } } });
      expect(vetoed.headers.get('etag')).toBe(`"${vetoed.body.version}"`);

      const late = expectProblem(await h.call('POST', `/v1/changes/${change.id}/approvals`, holder, { body: { decision: 'approve' } }), 409, ErrorCode.CONFLICT);
      expect(late['reason']).toBe(ChangeErrorCode.NotAwaitingApproval);
    });

    it('takes an emergency change through approval by the CAB to closed, with its gate, conflicts, comments (none once closed) and history', async () => {
      const change = await raise({ type: 'emergency', title: 'Revoke the leaked VPN certificate', plannedStart: '2026-11-03T09:30:00Z', plannedEnd: '2026-11-03T10:00:00Z' });
      await expect(transition(change.id, { to: 'assess' })).resolves.toMatchObject({ status: 200 });
      const authorizing = await transition(change.id, { to: 'authorize' });
      expect(authorizing.body.approval).toMatchObject({ role: Role.Cab, quorum: 1 });

      const delegated = await h.call<ChangeView>('POST', `/v1/changes/${change.id}/approvals/delegate`, carl, { body: { to: 'alex' } });
      expect(delegated).toMatchObject({ status: 200, body: { approval: { delegations: [{ from: 'carl', to: 'alex' }] } } });
      const approved = await h.call<ChangeView>('POST', `/v1/changes/${change.id}/approvals`, carl, { body: { decision: 'approve', comment: 'Go.' }, headers: { 'if-match': `"${delegated.body.version}"` } });
      expect(approved).toMatchObject({ status: 200, body: { state: ChangeState.Scheduled, approval: { state: 'approved' } } });
      expectProblem(await h.call('POST', `/v1/changes/${change.id}/approvals`, carl, { body: { decision: 'approve' } }), 409, ErrorCode.CONFLICT);

      await expect(h.call<ChangeConflictCheck>('GET', `/v1/changes/${change.id}/conflicts`, sam)).resolves.toMatchObject({ status: 200, body: { changeId: change.id, conflicts: [] } });
      const gate = await h.call<GateAnswer>('GET', `/v1/changes/${change.id}/gate`, sam);
      expect(gate).toMatchObject({ status: 200, body: { allowed: false, reasons: [expect.any(String)], checkedAt: expect.any(String) } });

      const comment = await h.call('POST', `/v1/changes/${change.id}/comments`, carl, { body: { body: 'To be reviewed at the next CAB.' } });
      expect([comment.status, comment.headers.get('location')]).toEqual([201, null]);
      await expect(h.call<ChangeCommentList>('GET', `/v1/changes/${change.id}/comments`, sam)).resolves.toMatchObject({ status: 200, body: { items: [{ body: 'To be reviewed at the next CAB.', authorId: 'carl' }] } });

      await expect(transition(change.id, { to: 'implement' })).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Implement } });
      const noOutcome = expectProblem(await transition(change.id, { to: 'review' }), 422, ErrorCode.UNPROCESSABLE);
      expect(noOutcome['reason']).toBe(ChangeErrorCode.OutcomeRequired);
      await expect(transition(change.id, { to: 'review', outcome: 'successful' })).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Review, outcome: 'successful' } });
      await expect(transition(change.id, { to: 'closed', reviewNotes: 'Revoked in 10 minutes.' })).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Closed } });

      expectProblem(await h.call('POST', `/v1/changes/${change.id}/comments`, carl, { body: { body: 'Too late.' } }), 409, ErrorCode.CONFLICT);
      const history = await h.call<ChangeHistory>('GET', `/v1/changes/${change.id}/history`, carl);
      expect(history.status).toBe(200);
      expect(history.body.items.map((entry) => entry.action)).toEqual(expect.arrayContaining(['created']));
    });

    it('refuses an approved change whose window collides with 409 listing the conflicts; only a manager overrides them, and the calendar shows both', async () => {
      const ciId = await ci();
      // Ahead of now: a window that has ended is in nobody's way.
      const window = { plannedStart: '2027-03-10T09:00:00Z', plannedEnd: '2027-03-10T10:00:00Z' };
      const approve = async (change: ChangeView): Promise<Reply<ChangeView>> => {
        await transition(change.id, { to: 'assess' });
        await transition(change.id, { to: 'authorize' });
        return h.call<ChangeView>('POST', `/v1/changes/${change.id}/approvals`, carl, { body: { decision: 'approve' } });
      };
      const first = await raise({ type: 'emergency', ciIds: [ciId], title: 'Patch the VPN gateway kernel', ...window });
      await expect(approve(first)).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Scheduled } });
      const second = await raise({ type: 'emergency', ciIds: [ciId], title: 'Rotate the VPN gateway keys', ...window });

      const held = await approve(second);
      expect(held).toMatchObject({ status: 200, body: { state: ChangeState.Authorize, approval: { state: 'approved' }, conflicts: [{ kind: 'change', id: first.id }] } });
      const refused = expectProblem(await transition(second.id, { to: 'scheduled' }), 409, ErrorCode.CONFLICT);
      expect(refused['reason']).toBe(ChangeErrorCode.ScheduleConflict);
      expect(JSON.stringify(refused)).toContain(first.id);
      const override = { to: 'scheduled', override: { reason: 'Both are run by the same team in one session.' } };
      expect(expectProblem(await transition(second.id, override), 403, ErrorCode.FORBIDDEN)['reason']).toBe(ChangeErrorCode.OverrideForbidden);
      const scheduled = await transition(second.id, override, maria);
      expect(scheduled).toMatchObject({ status: 200, body: { state: ChangeState.Scheduled, conflictOverride: { reason: override.override.reason, by: 'maria' } } });

      const period = `from=2027-03-10T00:00:00Z&to=2027-03-11T00:00:00Z&ciId=${ciId}`;
      const calendar = await h.call<ChangeCalendar>('GET', `/v1/changes/calendar?${period}`, sam);
      const ics = await (await fetch(`${h.baseUrl}/v1/changes/calendar.ics?${period}`, { headers: { authorization: `Bearer ${sam}` } })).text();
      expect(calendar.body.changes.map(({ id }) => id).sort()).toEqual([first.id, second.id].sort());
      expect([ics.includes(first.number), ics.includes(second.number)]).toEqual([true, true]);
    });

    it('lets only managers reject a change for good: an agent gets 403 CHANGE_REJECT_FORBIDDEN', async () => {
      const change = await raise();

      const refused = expectProblem(await transition(change.id, { to: 'rejected', reason: 'The vendor withdrew firmware 9.4.' }), 403, ErrorCode.FORBIDDEN);
      const rejected = await transition(change.id, { to: 'rejected', reason: 'The vendor withdrew firmware 9.4.' }, maria);

      expect(refused['reason']).toBe(ChangeErrorCode.RejectForbidden);
      expect(rejected).toMatchObject({ status: 200, body: { state: ChangeState.Rejected, cancelReason: 'The vendor withdrew firmware 9.4.' } });
      expect(expectProblem(await h.call('PATCH', `/v1/changes/${change.id}`, sam, { body: { title: 'Try again' } }), 409, ErrorCode.CONFLICT)['reason']).toBe(ChangeErrorCode.FinalState);
    });

    it('schedules a standard change from its template without approval, and refuses one longer than the template allows with 422', async () => {
      const template = await h.call<ChangeTemplateView>('POST', '/v1/changes/templates', maria, {
        body: { ...TEMPLATE, name: `Restart a server ${randomUUID().slice(0, 8)}`, allowedCiClasses: ['server'], maxDurationMinutes: 60 },
      });
      const standard = { type: 'standard', templateId: template.body.id, title: 'Restart vpn1', plannedStart: '2026-11-12T20:00:00Z' };

      const tooLong = await h.call('POST', '/v1/changes', sam, { body: { ...standard, ciIds: [await ci()], plannedEnd: '2026-11-12T21:30:00Z' } });
      const change = await raise({ ...standard, plannedEnd: '2026-11-12T20:30:00Z' });

      expect(expectProblem(tooLong, 422, ErrorCode.UNPROCESSABLE)['reason']).toBe(ChangeErrorCode.WindowTooLong);
      expect(change).toMatchObject({ type: 'standard', templateId: template.body.id, implementationPlan: TEMPLATE.implementationPlan, backoutPlan: TEMPLATE.backoutPlan });
      await expect(transition(change.id, { to: 'scheduled' })).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Scheduled, approval: null } });
    });

    it('opens the gate of a change scheduled for now, and of a release of it', async () => {
      const now = Date.now();
      const change = await raise({ type: 'emergency', title: 'Deploy the hotfix', plannedStart: new Date(now - 600_000).toISOString(), plannedEnd: new Date(now + 3_600_000).toISOString() });
      await transition(change.id, { to: 'assess' });
      await transition(change.id, { to: 'authorize' });
      await expect(h.call('POST', `/v1/changes/${change.id}/approvals`, carl, { body: { decision: 'approve' } })).resolves.toMatchObject({ status: 200, body: { state: ChangeState.Scheduled } });
      const release = await h.call<ReleaseView>('POST', '/v1/releases', sam, { body: { ...RELEASE, changeIds: [change.id] } });

      await expect(h.call<GateAnswer>('GET', `/v1/changes/${change.id}/gate`, sam)).resolves.toMatchObject({ status: 200, body: { allowed: true, reasons: [] } });
      await expect(h.call<ReleaseGateAnswer>('GET', `/v1/releases/${release.body.id}/gate`, sam)).resolves.toMatchObject({
        status: 200,
        body: { allowed: true, reasons: [], changes: [{ changeId: change.id, number: change.number, allowed: true }] },
      });
    });

    it('lists changes by filters, a page at a time', async () => {
      const group = `ops-${randomUUID().slice(0, 8)}`;
      const raised = [await raise({ assignmentGroup: group }), await raise({ assignmentGroup: group, type: 'emergency' }), await raise({ assignmentGroup: group })];

      const first = await h.call<ChangePage>('GET', `/v1/changes?assignmentGroup=${group}&sort=number&limit=2`, carl);
      const second = await h.call<ChangePage>('GET', `/v1/changes?assignmentGroup=${group}&sort=number&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`, carl);
      const emergencies = await h.call<ChangePage>('GET', `/v1/changes?assignmentGroup=${group}&type=emergency&state=new,assess`, sam);

      expect(first).toMatchObject({ status: 200, body: { items: raised.slice(0, 2).map(({ id }) => ({ id })), nextCursor: expect.any(String) } });
      expect(second).toMatchObject({ status: 200, body: { items: [{ id: raised[2]?.id }], nextCursor: null } });
      expect(emergencies.body.items.map(({ id }) => id)).toEqual([raised[1]?.id]);
    });

    it('serves the calendar as JSON and as text/calendar in UTF-8', async () => {
      const period = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';

      const json = await h.call<ChangeCalendar>('GET', `/v1/changes/calendar?${period}`, sam);
      const ics = await fetch(`${h.baseUrl}/v1/changes/calendar.ics?${period}`, { headers: { authorization: `Bearer ${sam}` } });
      const tooLong = await h.call('GET', '/v1/changes/calendar?from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z', sam);

      expect(json).toMatchObject({ status: 200, body: { changes: expect.any(Array), windows: expect.any(Array) } });
      expect([ics.status, ics.headers.get('content-type')]).toEqual([200, 'text/calendar; charset=utf-8']);
      await expect(ics.text()).resolves.toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$/);
      expectProblem(tooLong, 400, ErrorCode.VALIDATION);
      expect(problemFields(tooLong)).toEqual(['to']);
    });

    it('keeps templates: 201 with Location, replaced under If-Match, a taken name 409, removed', async () => {
      const body = { ...TEMPLATE, name: `Restart an application server ${randomUUID().slice(0, 8)}` };

      const created = await h.call<ChangeTemplateView>('POST', '/v1/changes/templates', maria, { body });
      expect(created).toMatchObject({ status: 201, body: { ...body, enabled: true, version: 1 } });
      expect([created.headers.get('location'), created.headers.get('etag')]).toEqual([`/v1/changes/templates/${created.body.id}`, '"1"']);
      const path = created.headers.get('location') ?? '';
      await expect(h.call('GET', path, sam)).resolves.toMatchObject({ status: 200, body: created.body });
      expect(expectProblem(await h.call('POST', '/v1/changes/templates', maria, { body }), 409, ErrorCode.CONFLICT)['reason']).toBe(ChangeErrorCode.TemplateNameTaken);

      expectProblem(await h.call('PUT', path, maria, { body: { ...body, maxDurationMinutes: 90 }, headers: { 'if-match': '"5"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const replaced = await h.call<ChangeTemplateView>('PUT', path, maria, { body: { ...body, maxDurationMinutes: 90 }, headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { maxDurationMinutes: 90, version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');

      await expect(h.call('DELETE', path, maria)).resolves.toMatchObject({ status: 200, body: { id: created.body.id } });
      expect(expectProblem(await h.call('GET', path, sam), 404, ErrorCode.NOT_FOUND)['reason']).toBe(ChangeErrorCode.TemplateNotFound);
    });

    it('keeps blackout and maintenance windows: 201 with Location, replaced under If-Match, removed; an unreadable rule is 422, a taken name 409', async () => {
      const blackout = await h.call<BlackoutWindowView>('POST', '/v1/changes/blackouts', maria, { body: { ...BLACKOUT, scope: 'ci', targetIds: [randomUUID()] } });
      const maintenance = await h.call<MaintenanceWindowView>('POST', '/v1/changes/maintenance-windows', maria, { body: MAINTENANCE });
      const unreadable = await h.call('POST', '/v1/changes/blackouts', maria, { body: { ...BLACKOUT, rrule: 'FREQ=WEEKLY;BYDAY=XX' } });

      expect(blackout).toMatchObject({ status: 201, body: { name: BLACKOUT.name, scope: 'ci', rrule: BLACKOUT.rrule, timeZone: 'Europe/Berlin', version: 1 } });
      expect(maintenance).toMatchObject({ status: 201, body: { name: MAINTENANCE.name, ciIds: MAINTENANCE.ciIds, version: 1 } });
      expect([blackout.headers.get('location'), maintenance.headers.get('location')]).toEqual([`/v1/changes/blackouts/${blackout.body.id}`, `/v1/changes/maintenance-windows/${maintenance.body.id}`]);
      expect(expectProblem(unreadable, 422, ErrorCode.UNPROCESSABLE)['reason']).toBe(ChangeErrorCode.InvalidRrule);
      const taken = await h.call('POST', '/v1/changes/maintenance-windows', maria, { body: MAINTENANCE });
      expect(expectProblem(taken, 409, ErrorCode.CONFLICT)['reason']).toBe(ChangeErrorCode.WindowNameTaken);

      const blackoutPath = blackout.headers.get('location') ?? '';
      expectProblem(await h.call('PUT', blackoutPath, maria, { body: { ...BLACKOUT, name: 'Friday afternoon freeze' }, headers: { 'if-match': '"3"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const replaced = await h.call<BlackoutWindowView>('PUT', blackoutPath, maria, { body: { ...BLACKOUT, name: 'Friday afternoon freeze' }, headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { name: 'Friday afternoon freeze', scope: 'global', version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');

      await expect(h.call('DELETE', blackoutPath, maria)).resolves.toMatchObject({ status: 200, body: { id: blackout.body.id } });
      await expect(h.call('DELETE', maintenance.headers.get('location') ?? '', maria)).resolves.toMatchObject({ status: 200, body: { id: maintenance.body.id } });
      const gone = await Promise.all([h.call('GET', blackoutPath, sam), h.call('GET', maintenance.headers.get('location') ?? '', sam)]);
      expect(gone.map((reply) => expectProblem(reply, 404, ErrorCode.NOT_FOUND)['reason'])).toEqual([ChangeErrorCode.BlackoutNotFound, ChangeErrorCode.MaintenanceWindowNotFound]);
    });

    it('keeps releases: 201 with Location, unknown changes 422, moved under If-Match, a move it does not have 409, and its gate', async () => {
      const change = await raise();
      const missing = randomUUID();

      const created = await h.call<ReleaseView>('POST', '/v1/releases', sam, { body: { ...RELEASE, changeIds: [change.id] }, headers: { 'idempotency-key': randomUUID() } });
      const unknown = expectProblem(await h.call('POST', '/v1/releases', sam, { body: { ...RELEASE, changeIds: [missing] } }), 422, ErrorCode.UNPROCESSABLE);

      expect(created).toMatchObject({ status: 201, body: { number: expect.stringMatching(/^REL\d{7}$/), state: 'planning', changeIds: [change.id], version: 1 } });
      expect([created.headers.get('location'), created.headers.get('etag')]).toEqual([`/v1/releases/${created.body.id}`, '"1"']);
      await expect(h.call('GET', created.headers.get('location') ?? '', sam)).resolves.toMatchObject({ status: 200, body: created.body });
      expect(unknown['reason']).toBe(ChangeErrorCode.UnknownChanges);
      expect(JSON.stringify(unknown)).toContain(missing);

      const path = `/v1/releases/${created.body.id}`;
      expectProblem(await h.call('POST', `${path}/transitions`, sam, { body: { to: 'build' }, headers: { 'if-match': '"4"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const built = await h.call<ReleaseView>('POST', `${path}/transitions`, sam, { body: { to: 'build' }, headers: { 'if-match': '"1"' } });
      expect(built).toMatchObject({ status: 200, body: { state: 'build', version: 2 } });
      expect(built.headers.get('etag')).toBe('"2"');
      const skipped = expectProblem(await h.call('POST', `${path}/transitions`, sam, { body: { to: 'closed' } }), 409, ErrorCode.INVALID_TRANSITION);
      expect(skipped['reason']).toBe(ChangeErrorCode.ReleaseInvalidTransition);

      const gate = await h.call<ReleaseGateAnswer>('GET', `${path}/gate`, sam);
      expect(gate).toMatchObject({ status: 200, body: { allowed: false, changes: [{ changeId: change.id, allowed: false }] } });
    });

    it.each(['success-rate', 'emergency-ratio', 'caused-incidents'])('answers /v1/reports/changes/%s for a period, and 400 naming `to` for one that ends before it starts', async (report) => {
      const answered = await h.call<{ from: string; to: string }>('GET', `/v1/reports/changes/${report}?from=2026-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`, sam);
      const backwards = await h.call('GET', `/v1/reports/changes/${report}?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, sam);

      expect(answered).toMatchObject({ status: 200, body: { from: expect.any(String), to: expect.any(String) } });
      expectProblem(backwards, 400, ErrorCode.VALIDATION);
      expect(problemFields(backwards)).toEqual(['to']);
    });
  });

  describe('the API document', () => {
    let served: ServedSchema;

    beforeAll(async () => {
      served = await ServedSchema.load(h.baseUrl);
    });

    it('declares the iCalendar answer of /v1/changes/calendar.ics as text/calendar and its errors as problem+json', () => {
      const responses = served.document.paths['/v1/changes/calendar.ics']?.get?.responses ?? {};

      expect(Object.keys(responses['200']?.content ?? {})).toEqual(['text/calendar']);
      expect(responses['200']?.content?.['text/calendar']?.schema).toEqual({ type: 'string' });
      expect(Object.keys(responses['400']?.content ?? {})).toEqual(['application/problem+json']);
    });

    it('declares 403 on every change route and 412 with If-Match on every route that takes it', () => {
      const routes = Object.entries(served.document.paths)
        .filter(([path]) => /^\/v1\/(changes|releases|reports\/changes)/.test(path))
        .flatMap(([path, operations]) => Object.entries(operations ?? {}).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));

      expect(routes).toHaveLength(38);
      expect(routes.filter(({ operation }) => !operation.responses['403']).map(({ route }) => route)).toEqual([]);
      const ifMatch = routes.filter(({ operation }) => operation.parameters?.some((parameter) => parameter.name === 'If-Match'));
      expect(ifMatch.filter(({ operation }) => !operation.responses['412']).map(({ route }) => route)).toEqual([]);
      expect(ifMatch.map(({ route }) => route).sort()).toEqual(
        [
          'PATCH /v1/changes/{id}',
          'POST /v1/changes/{id}/transitions',
          'POST /v1/changes/{id}/approvals',
          'POST /v1/changes/{id}/approvals/delegate',
          'PUT /v1/changes/templates/{id}',
          'PUT /v1/changes/blackouts/{id}',
          'PUT /v1/changes/maintenance-windows/{id}',
          'PATCH /v1/releases/{id}',
          'POST /v1/releases/{id}/transitions',
        ].sort(),
      );
    });
  });
});

/** Raising, reading, changing and listing changes over RPC, with the CMDB checking CIs: real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  ChangeErrorCode,
  ChangeEvents,
  ChangeRpc,
  ChangeState,
  ChangeType,
  type ChangeView,
  CmdbRpc,
  CommentVisibility,
  type CreateChangeRequest,
  ErrorCode,
  type ListChangesRequest,
  RelationshipType,
  RiskLevel,
  type UpdateChangeDto,
} from '@itsm/contracts';
import { ada, alice, carl, fieldsOf, maria, sam, tom } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real cmdb service beside this one, through its own harness; no source of one app imports another
import { CmdbHarness } from '../../cmdb/test/support/cmdb-harness';
import { ChangeHarness } from './support/change-harness';

const HOUR_MS = 3_600_000;

describe('changes over RPC', () => {
  let h: ChangeHarness;
  let cmdb: CmdbHarness;
  /** Two applications and a server known to the CMDB; the mail application runs on the server. */
  let mailApp: string;
  let vpnApp: string;
  let server: string;

  const ci = async (className: string, name: string): Promise<string> =>
    (await cmdb.rpc.call(CmdbRpc.createCi, { className, name: `${name}-${randomUUID().slice(0, 6)}`, environment: 'prod' }, { actor: sam })).id;
  /** A window of `hours` starting `daysAhead` days from a fixed future date. */
  const window = (daysAhead = 0, hours = 2) => {
    const start = new Date(Date.UTC(2027, 0, 10, 9) + daysAhead * 24 * HOUR_MS);
    return { plannedStart: start.toISOString(), plannedEnd: new Date(start.getTime() + hours * HOUR_MS).toISOString() };
  };
  const open = (overrides: Partial<CreateChangeRequest> = {}, actor: Actor = sam): Promise<ChangeView> =>
    h.rpc.call(ChangeRpc.create, { type: ChangeType.Normal, title: 'Upgrade the VPN gateway firmware', ciIds: [vpnApp], ...window(), ...overrides }, { actor });
  const update = (change: Pick<ChangeView, 'id'>, changes: UpdateChangeDto, expectedVersion?: number) =>
    h.rpc.call(ChangeRpc.update, { id: change.id, changes, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor: tom });
  const list = (filters: ListChangesRequest) => h.rpc.call(ChangeRpc.list, filters, { actor: sam });
  const numbersOf = (page: { items: ChangeView[] }) => page.items.map((change) => change.number);
  const template = (overrides: { allowedCiClasses?: string[]; maxDurationMinutes?: number; enabled?: boolean } = {}) =>
    h.rpc.call(
      ChangeRpc.createTemplate,
      {
        name: `Restart an application ${randomUUID().slice(0, 8)}`,
        implementationPlan: 'Drain, restart, re-enable.',
        backoutPlan: 'Re-enable the node.',
        testPlan: 'Health check answers 200.',
        allowedCiClasses: ['application'],
        maxDurationMinutes: 60,
        ...overrides,
      },
      { actor: maria },
    );

  beforeAll(async () => {
    h = await ChangeHarness.start();
    cmdb = await CmdbHarness.start({}, { fresh: false });
    mailApp = await ci('application', 'mail');
    vpnApp = await ci('application', 'vpn');
    server = await ci('server', 'host');
    await cmdb.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.RunsOn, sourceId: mailApp, targetId: server }, { actor: sam });
  });

  afterAll(async () => {
    await cmdb?.stop();
    await h?.stop();
  });

  describe('raising', () => {
    it('raises a normal change in state new with a CHG number, requested by the caller, audited and announced whole', async () => {
      const change = await open({ description: 'Firmware 9.4', justification: 'Tunnels drop', implementationPlan: 'Flash', backoutPlan: 'Flash back', ciIds: [mailApp, vpnApp], assignmentGroup: 'network-ops' });
      expect(change).toMatchObject({
        type: ChangeType.Normal,
        templateId: null,
        description: 'Firmware 9.4',
        justification: 'Tunnels drop',
        implementationPlan: 'Flash',
        backoutPlan: 'Flash back',
        testPlan: '',
        ciIds: [mailApp, vpnApp],
        ...window(),
        assignmentGroup: 'network-ops',
        requestedBy: 'sam',
        state: ChangeState.New,
        risk: null,
        approval: null,
        conflicts: [],
        conflictOverride: null,
        version: 1,
      });
      expect(change.plannedStart).toBe('2027-01-10T09:00:00.000Z');
      expect(change.number).toMatch(/^CHG\d{7}$/);
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ number: change.number, state: 'new', requested_by: 'sam', ci_ids: [mailApp, vpnApp] });
      await expect(h.audit(change.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'change', action: 'created', actor_id: 'sam', before: null, after: change })]);
      const [event] = await h.events(ChangeEvents.requested, change.id);
      expect(event).toMatchObject({ type: 'itsm.change.requested.v1', source: 'itsm/change', data: { change } });
    });

    it('stores the impact set of its CIs from the CMDB for the schedule check', async () => {
      const change = await open({ ciIds: [mailApp] });
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ impact_ci_ids: [server] });
    });

    it('hands out consecutive numbers starting at CHG0001001', async () => {
      const first = await open();
      const second = await open();
      expect(Number(second.number.slice(3)) - Number(first.number.slice(3))).toBe(1);
      await expect(h.database.query(`SELECT min(number) AS min FROM change.changes`)).resolves.toEqual([{ min: 'CHG0001001' }]);
    });

    it('refuses a window that ends before it starts, naming plannedEnd, and writes nothing', async () => {
      const before = await h.count('changes');
      const error = await open({ plannedStart: '2027-01-10T11:00:00Z', plannedEnd: '2027-01-10T09:00:00+00:00' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: 'INVALID_REQUEST' });
      expect(fieldsOf(error)).toEqual(['plannedEnd']);
      await expect(open({ plannedStart: '2027-01-10T11:00:00Z', plannedEnd: '2027-01-10T11:00:00Z' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
      await expect(h.count('changes')).resolves.toBe(before);
    });

    it('refuses a normal or emergency change without CIs, or with a template, naming the field', async () => {
      for (const type of [ChangeType.Normal, ChangeType.Emergency]) {
        const none = await open({ type, ciIds: [] }).catch((e: unknown) => e);
        expect(none).toMatchObject({ code: ErrorCode.VALIDATION });
        expect(fieldsOf(none)).toEqual(['ciIds']);
        const templated = await open({ type, templateId: randomUUID() }).catch((e: unknown) => e);
        expect(fieldsOf(templated)).toEqual(['templateId']);
      }
      const missing = await open({ type: ChangeType.Standard }).catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(missing)).toEqual(['templateId']);
    });

    it('refuses CIs the CMDB does not know, listing them, and writes nothing', async () => {
      const unknown = [randomUUID(), randomUUID()];
      const before = await h.count('changes');
      const error = await open({ ciIds: [mailApp, ...unknown] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.UnknownCis, details: { ciIds: unknown } });
      expect(fieldsOf(error)).toEqual(['ciIds']);
      for (const id of unknown) expect((error as Error).message).toContain(id);
      await expect(h.count('changes')).resolves.toBe(before);
    });

    it('refuses an invalid request naming each field', async () => {
      const before = await h.count('outbox');
      const bad = { type: 'urgent', title: 'x', plannedStart: 'tomorrow', plannedEnd: '2027-01-10T09:00:00', ciIds: ['nope'], incidentIds: 'x', colour: 'red' } as never;
      const error = await h.rpc.call(ChangeRpc.create, bad, { actor: sam }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['ciIds', 'colour', 'incidentIds', 'plannedEnd', 'plannedStart', 'title', 'type']);
      await expect(h.count('outbox')).resolves.toBe(before);
    });

    it('answers the first change to a retry with the same Idempotency-Key, and refuses the key with another body', async () => {
      const key = randomUUID();
      const body = { type: ChangeType.Normal, title: 'Rotate the TLS certificate', ciIds: [vpnApp], ...window(3), idempotencyKey: key };
      const first = await h.rpc.call(ChangeRpc.create, body, { actor: sam });
      await expect(h.rpc.call(ChangeRpc.create, body, { actor: sam })).resolves.toEqual(first);
      await expect(h.count(`changes WHERE title = 'Rotate the TLS certificate'`)).resolves.toBe(1);
      await expect(h.eventsNow(ChangeEvents.requested, first.id)).resolves.toHaveLength(1);
      await expect(h.rpc.call(ChangeRpc.create, { ...body, title: 'Rotate another certificate' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE });
    });
  });

  describe('standard changes', () => {
    it('take their plans from the template, whatever the request says', async () => {
      const model = await template();
      const change = await open({ type: ChangeType.Standard, templateId: model.id, ciIds: [mailApp], implementationPlan: 'My own way', ...window(0, 1) });
      expect(change).toMatchObject({ type: ChangeType.Standard, templateId: model.id, implementationPlan: model.implementationPlan, backoutPlan: model.backoutPlan, testPlan: model.testPlan, state: ChangeState.New });
    });

    it('refuse a template that does not exist (404) or is disabled (422)', async () => {
      await expect(open({ type: ChangeType.Standard, templateId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.TemplateNotFound });
      const disabled = await template({ enabled: false });
      await expect(open({ type: ChangeType.Standard, templateId: disabled.id, ...window(0, 1) })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.TemplateDisabled });
    });

    it('refuse CIs of a class the template does not allow, naming them and the allowed classes', async () => {
      const model = await template();
      const before = await h.count('changes');
      const error = await open({ type: ChangeType.Standard, templateId: model.id, ciIds: [mailApp, server], ...window(0, 1) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.CiClassNotAllowed, details: { ciIds: [server], allowed: ['application'] } });
      expect((error as Error).message).toContain('server');
      await expect(h.count('changes')).resolves.toBe(before);
    });

    it('refuse a window longer than the template allows, saying how long it may be', async () => {
      const model = await template({ maxDurationMinutes: 60 });
      await expect(open({ type: ChangeType.Standard, templateId: model.id, ciIds: [mailApp], ...window(0, 2) })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
        reason: ChangeErrorCode.WindowTooLong,
        details: { maxDurationMinutes: 60 },
      });
      const change = await open({ type: ChangeType.Standard, templateId: model.id, ciIds: [mailApp], ...window(0, 1) });
      await expect(update(change, { plannedEnd: window(0, 3).plannedEnd })).rejects.toMatchObject({ reason: ChangeErrorCode.WindowTooLong });
      await expect(update(change, { ciIds: [mailApp, server] })).rejects.toMatchObject({ reason: ChangeErrorCode.CiClassNotAllowed, details: { ciIds: [server] } });
      await expect(update(change, { implementationPlan: 'Not the template’s' })).resolves.toMatchObject({ implementationPlan: model.implementationPlan, version: 1 });
    });
  });

  describe('reading', () => {
    it('lets agents, managers, admins and the CAB read a change, and answers CHANGE_NOT_FOUND for an unknown id', async () => {
      const change = await open();
      for (const actor of [tom, maria, ada, carl]) await expect(h.rpc.call(ChangeRpc.get, { id: change.id }, { actor })).resolves.toEqual(change);
      await expect(h.rpc.call(ChangeRpc.get, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.NotFound });
    });

    it('refuses a requester everything, and writes nothing', async () => {
      const change = await open();
      const outbox = await h.count('outbox');
      const refusals = await Promise.all([
        h.rpc.call(ChangeRpc.get, { id: change.id }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ChangeRpc.list, {}, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ChangeRpc.history, { id: change.id }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ChangeRpc.update, { id: change.id, changes: { title: 'mine now' } }, { actor: alice }).catch((e: unknown) => e),
        h.rpc.call(ChangeRpc.addComment, { id: change.id, comment: { body: 'hi' } }, { actor: alice }).catch((e: unknown) => e),
        open({}, alice).catch((e: unknown) => e),
      ]);
      for (const refusal of refusals) expect(refusal).toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect(JSON.stringify(refusals)).not.toContain(change.id);
      await expect(h.count('outbox')).resolves.toBe(outbox);
    });
  });

  describe('changing', () => {
    it('changes fields and announces the changes with the change', async () => {
      const change = await open({ ciIds: [vpnApp] });
      const incident = randomUUID();
      const updated = await update(change, { title: 'Upgrade vpn to 9.4.1', ciIds: [vpnApp, mailApp], ...window(1, 3), implementerId: 'tom', incidentIds: [incident], testPlan: 'Connect 300 clients' }, 1);
      expect(updated).toMatchObject({ title: 'Upgrade vpn to 9.4.1', ciIds: [vpnApp, mailApp], ...window(1, 3), implementerId: 'tom', incidentIds: [incident], testPlan: 'Connect 300 clients', requestedBy: 'sam', version: 2 });
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ implementer_id: 'tom', impact_ci_ids: [server], version: 2 });
      const [event] = await h.events(ChangeEvents.updated, change.id);
      expect(event?.data.change).toEqual(updated);
      expect(event?.data.changes).toEqual(
        expect.arrayContaining([
          { field: 'title', from: change.title, to: 'Upgrade vpn to 9.4.1' },
          { field: 'ciIds', from: [vpnApp], to: [vpnApp, mailApp] },
          { field: 'plannedStart', from: change.plannedStart, to: window(1).plannedStart },
        ]),
      );
      expect(event?.data.changes.map((c) => c.field)).not.toContain('version');
      await expect(h.eventsNow(ChangeEvents.riskAssessed, change.id)).resolves.toEqual([]);
    });

    it('reassesses an assessed risk when the CIs or the window change before implementation, and announces it', async () => {
      const change = await open({ ciIds: [vpnApp] });
      const stale = { level: RiskLevel.Low, score: 1, factors: [], assessedAt: '2026-01-01T00:00:00.000Z' };
      await h.database.query(`UPDATE change.changes SET state = 'assess', risk = $2, risk_level = 'low' WHERE id = $1`, [change.id, JSON.stringify(stale)]);
      const updated = await update(change, { ciIds: [vpnApp, mailApp] });
      expect(updated.risk).not.toBeNull();
      expect(updated.risk?.assessedAt).not.toBe(stale.assessedAt);
      const [event] = await h.events(ChangeEvents.riskAssessed, change.id);
      expect(event?.data).toEqual({ change: updated, risk: updated.risk });
      await expect(update(change, { title: 'Only the title' })).resolves.toMatchObject({ risk: updated.risk });
      await expect(h.eventsNow(ChangeEvents.riskAssessed, change.id)).resolves.toHaveLength(1);
    });

    it('refuses an end before the start against the window as it is after the update, naming plannedEnd', async () => {
      const change = await open();
      const error = await update(change, { plannedStart: '2027-01-10T12:00:00Z' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['plannedEnd']);
      const emptied = await update(change, { ciIds: [] }).catch((e: unknown) => e);
      expect(fieldsOf(emptied)).toEqual(['ciIds']);
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ version: 1 });
    });

    it('refuses CIs new to the change that the CMDB does not know, listing them', async () => {
      const change = await open({ ciIds: [vpnApp] });
      const unknown = randomUUID();
      await expect(update(change, { ciIds: [vpnApp, unknown], title: 'changed' })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
        reason: ChangeErrorCode.UnknownCis,
        details: { ciIds: [unknown], errors: [{ field: 'ciIds', message: expect.stringContaining(unknown) }] },
      });
      await expect(update({ id: randomUUID() }, { title: 'nobody' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.NotFound });
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ title: change.title, ci_ids: [vpnApp], version: 1 });
    });

    it('refuses a stale expected version with PRECONDITION_FAILED and writes nothing', async () => {
      const change = await open();
      await update(change, { title: 'First edit' }, 1);
      const outbox = await h.count('outbox');
      await expect(update(change, { title: 'Lost edit' }, 1)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, details: { currentVersion: 2, expectedVersion: 1 } });
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ title: 'First edit', version: 2 });
      await expect(h.count('outbox')).resolves.toBe(outbox);
    });

    it('refuses an invalid change naming each field', async () => {
      const change = await open();
      const error = await update(change, { title: '', ciIds: null, plannedStart: 'soon', assignmentGroup: 'no!' } as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['changes.assignmentGroup', 'changes.ciIds', 'changes.plannedStart', 'changes.title']);
    });

    it('answers a change that changes nothing with the change as it is, without a new version or event', async () => {
      const change = await open({ assignmentGroup: 'network-ops' });
      await expect(update(change, { assignmentGroup: 'network-ops', title: change.title })).resolves.toEqual(change);
      await expect(h.eventsNow(ChangeEvents.updated, change.id)).resolves.toEqual([]);
    });

    it('refuses changes to a closed, canceled or rejected change', async () => {
      for (const state of [ChangeState.Closed, ChangeState.Canceled, ChangeState.Rejected]) {
        const change = await open();
        await h.database.query(`UPDATE change.changes SET state = $2 WHERE id = $1`, [change.id, state]);
        await expect(update(change, { title: 'Too late' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.FinalState, details: { state } });
        await expect(h.row('changes', change.id)).resolves.toMatchObject({ title: change.title, version: 1 });
      }
    });
  });

  describe('comments and history', () => {
    it('keeps comments and work notes in the history without changing the change, and lists them in order', async () => {
      const change = await open();
      const note = await h.rpc.call(ChangeRpc.addComment, { id: change.id, comment: { body: 'Vendor confirmed the image', visibility: CommentVisibility.Internal } }, { actor: tom });
      expect(note).toMatchObject({ changeId: change.id, body: 'Vendor confirmed the image', visibility: CommentVisibility.Internal, authorId: 'tom', authorName: tom.name });
      const remark = await h.rpc.call(ChangeRpc.addComment, { id: change.id, expectedVersion: 1, comment: { body: 'Looks fine' } }, { actor: carl });
      expect(remark.visibility).toBe(CommentVisibility.Public);
      await expect(h.rpc.call(ChangeRpc.listComments, { id: change.id }, { actor: sam })).resolves.toEqual({ items: [note, remark] });
      await expect(h.row('changes', change.id)).resolves.toMatchObject({ version: 1 });
      await expect(h.rpc.call(ChangeRpc.addComment, { id: change.id, expectedVersion: 7, comment: { body: 'x' } }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      await expect(h.rpc.call(ChangeRpc.listComments, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ reason: ChangeErrorCode.NotFound });
    });

    it('lists every change with who made it and what changed, oldest first, comments whole', async () => {
      const change = await open({}, sam);
      await update(change, { implementerId: 'tom' });
      const comment = await h.rpc.call(ChangeRpc.addComment, { id: change.id, comment: { body: 'Scheduled with the vendor' } }, { actor: maria });
      const history = await h.rpc.call(ChangeRpc.history, { id: change.id }, { actor: carl });
      expect(history.items.map((entry) => [entry.action, entry.actorId])).toEqual([
        ['created', 'sam'],
        ['updated', 'tom'],
        ['comment_added', 'maria'],
      ]);
      expect(history.items[0]?.changes).toEqual(expect.arrayContaining([{ field: 'number', from: null, to: change.number }]));
      expect(history.items[1]?.changes).toEqual([{ field: 'implementerId', from: null, to: 'tom' }]);
      expect(history.items[2]).toMatchObject({ changes: [], comment });
      await expect(h.rpc.call(ChangeRpc.history, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.NotFound });
    });
  });

  describe('listing', () => {
    /** Changes of one assignment group of their own, so each test sees only what it raised. */
    const group = () => `grp-${randomUUID().slice(0, 8)}`;

    it('filters by state, type, risk level, implementer, CI, window and words', async () => {
      const g = group();
      const model = await template();
      const a = await open({ assignmentGroup: g, title: 'Tunnel firmware upgrade', ciIds: [vpnApp], implementerId: 'tom', ...window(0, 2) });
      const b = await open({ assignmentGroup: g, title: 'Mail relay disk swap', description: 'bounce logs filled the disk', type: ChangeType.Emergency, ciIds: [mailApp], ...window(1, 2) });
      const d = await open({ assignmentGroup: g, title: 'Restart mail', type: ChangeType.Standard, templateId: model.id, ciIds: [mailApp], ...window(2, 1) });
      await h.database.query(`UPDATE change.changes SET state = 'assess', risk_level = 'high' WHERE id = $1`, [b.id]);
      const numbers = async (filters: Omit<ListChangesRequest, 'assignmentGroup'>) => numbersOf(await list({ assignmentGroup: g, sort: 'number', ...filters }));

      await expect(numbers({})).resolves.toEqual([a.number, b.number, d.number]);
      await expect(numbers({ state: [ChangeState.Assess] })).resolves.toEqual([b.number]);
      await expect(numbers({ type: [ChangeType.Standard, ChangeType.Normal] })).resolves.toEqual([a.number, d.number]);
      await expect(numbers({ riskLevel: [RiskLevel.High, RiskLevel.VeryHigh] })).resolves.toEqual([b.number]);
      await expect(numbers({ implementerId: 'tom' })).resolves.toEqual([a.number]);
      await expect(numbers({ ciId: mailApp })).resolves.toEqual([b.number, d.number]);
      // Windows: a 09–11 on day 0, b 09–11 on day 1, d 09–10 on day 2; half-open, so touching is not overlapping.
      await expect(numbers({ from: window(0, 2).plannedEnd })).resolves.toEqual([b.number, d.number]);
      await expect(numbers({ to: window(1).plannedStart })).resolves.toEqual([a.number]);
      await expect(numbers({ from: '2027-01-11T10:00:00Z', to: '2027-01-12T09:30:00Z' })).resolves.toEqual([b.number, d.number]);
      await expect(numbers({ q: 'tunnel' })).resolves.toEqual([a.number]);
      await expect(numbers({ q: 'bounce' })).resolves.toEqual([b.number]);
      await expect(numbers({ q: '"mail relay"' })).resolves.toEqual([b.number]);
      await expect(numbers({ q: 'mail -restart' })).resolves.toEqual([b.number]);
    });

    it('sorts by number, planned start, creation and update time, either way', async () => {
      const g = group();
      const late = await open({ assignmentGroup: g, ...window(5) });
      const early = await open({ assignmentGroup: g, ...window(1) });
      const mid = await open({ assignmentGroup: g, ...window(3) });
      await update(late, { title: 'Touched last' });
      const sorted = async (sort: NonNullable<ListChangesRequest['sort']>) => numbersOf(await list({ assignmentGroup: g, sort }));

      await expect(sorted('number')).resolves.toEqual([late.number, early.number, mid.number]);
      await expect(sorted('-number')).resolves.toEqual([mid.number, early.number, late.number]);
      await expect(sorted('plannedStart')).resolves.toEqual([early.number, mid.number, late.number]);
      await expect(sorted('-plannedStart')).resolves.toEqual([late.number, mid.number, early.number]);
      await expect(sorted('createdAt')).resolves.toEqual([late.number, early.number, mid.number]);
      await expect(numbersOf(await list({ assignmentGroup: g }))).toEqual([mid.number, early.number, late.number]);
      await expect(sorted('-updatedAt')).resolves.toEqual([late.number, mid.number, early.number]);
    });

    it('pages with a cursor, without gaps or repeats, in every sort, and refuses a cursor of another sort', async () => {
      const g = group();
      const raised: ChangeView[] = [];
      for (let i = 0; i < 5; i += 1) raised.push(await open({ assignmentGroup: g, ...window(i % 2) }));
      for (const sort of ['number', '-createdAt', 'plannedStart', '-plannedStart', 'updatedAt'] as const) {
        const all = numbersOf(await list({ assignmentGroup: g, sort }));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list({ assignmentGroup: g, sort, limit: 2, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...numbersOf(page));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(all);
        expect([...seen].sort()).toEqual(raised.map((change) => change.number).sort());
      }
      const first = await list({ assignmentGroup: g, sort: 'number', limit: 2 });
      const error = await list({ assignmentGroup: g, sort: '-number', limit: 2, cursor: first.nextCursor ?? '' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['cursor']);
    });

    it('refuses invalid filters naming each', async () => {
      const error = await list({ state: ['open'], type: ['big'], ciId: 'nope', from: 'today', sort: 'title', limit: 0 } as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['ciId', 'from', 'limit', 'sort', 'state', 'type']);
    });
  });
});

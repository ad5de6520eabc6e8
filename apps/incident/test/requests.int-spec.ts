import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import {
  type Actor,
  ApprovalDecision,
  type ApprovalPolicyDto,
  ApprovalType,
  type CatalogItemView,
  CatalogRpc,
  type CloudEvent,
  CommonErrorCode,
  domainEvents,
  ErrorCode,
  FulfillmentTaskState,
  RequestCommentVisibility,
  RequestErrorCode,
  RequestEvents,
  RequestRpc,
  RequestState,
  Role,
  type ServiceRequestView,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import type { RunningService } from '@itsm/runtime';
import { buildCatalogItem, buildLaptopAnswers, buildSubmitRequest, createTestDatabase, fieldsOf, readEvents, resetStreams, serviceTestEnv, startTestService, type TestDatabase, waitFor, connectTestNats } from '@itsm/testing';
import { incidentApp } from '../src/service-definition';

const admin: Actor = { sub: 'ada', roles: [Role.Admin] };
const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester], managerId: 'mallory' };
const bob: Actor = { sub: 'bob', roles: [Role.Requester] };
const mallory: Actor = { sub: 'mallory', roles: [Role.Requester] };
const sam: Actor = { sub: 'sam', roles: [Role.Agent] };
const carol: Actor = { sub: 'carol', roles: [Role.Requester] };
const dave: Actor = { sub: 'dave', roles: [Role.Manager] };
const erin: Actor = { sub: 'erin', roles: [Role.Requester] };
const frank: Actor = { sub: 'frank', roles: [Role.Requester], groups: ['network', 'it-procurement'] };
const gina: Actor = { sub: 'gina', roles: [Role.Agent], groups: ['it-procurement'] };

const S = RequestState;
const TYPE = {
  submitted: RequestEvents.submitted.type,
  approvalRequested: RequestEvents.approvalRequested.type,
  approved: RequestEvents.approved.type,
  rejected: RequestEvents.rejected.type,
  fulfilled: RequestEvents.fulfilled.type,
  stateChanged: RequestEvents.stateChanged.type,
};

describe('service requests over RPC', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let service: RunningService;
  let rpc: RpcClient;
  let laptop: CatalogItemView;

  beforeAll(async () => {
    database = await createTestDatabase();
    nc = await connectTestNats('requests-test');
    await resetStreams(nc);
    service = await startTestService(incidentApp, serviceTestEnv(database));
    rpc = new RpcClient(nc, 5_000);
    laptop = await itemWith({ type: ApprovalType.None });
  });

  afterAll(async () => {
    await service.shutdown();
    await nc.drain();
    await database.drop();
  });

  function itemWith(approval: ApprovalPolicyDto): Promise<CatalogItemView> {
    return rpc.call(CatalogRpc.create, buildCatalogItem({ approval }), { actor: admin });
  }

  function submit(item: CatalogItemView, actor: Actor = alice): Promise<ServiceRequestView> {
    return rpc.call(RequestRpc.submit, buildSubmitRequest(item.id), { actor });
  }

  /** The events published about one request, once at least `count` of them are on the stream. */
  async function eventsOf(requestId: string, count: number): Promise<CloudEvent[]> {
    return waitFor(
      async () => {
        const found = (await readEvents(nc, domainEvents('incident'))).filter((message) => message.body.subject === requestId).map((message) => message.body);
        return found.length >= count ? found : undefined;
      },
      { what: `${count} events of request ${requestId}` },
    );
  }

  async function stored(id: string): Promise<{ state: string; version: number } | undefined> {
    const [row] = await database.query<{ state: string; version: number }>(`SELECT state, version FROM incident.requests WHERE id = $1`, [id]);
    return row;
  }

  async function writes(): Promise<{ requests: number; outbox: number; audit: number; approvals: number; tasks: number; comments: number }> {
    const [row] = await database.query<{ requests: number; outbox: number; audit: number; approvals: number; tasks: number; comments: number }>(
      `SELECT (SELECT count(*)::int FROM incident.requests) AS requests, (SELECT count(*)::int FROM incident.outbox) AS outbox,
              (SELECT count(*)::int FROM incident.audit_log) AS audit, (SELECT count(*)::int FROM incident.request_approvals) AS approvals,
              (SELECT count(*)::int FROM incident.request_tasks) AS tasks, (SELECT count(*)::int FROM incident.request_comments) AS comments`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  describe('submission', () => {
    it('approves at once what needs no approval: REQ number, stored answers, events submitted, approved and every state entered', async () => {
      const request = await submit(laptop);

      expect(request).toMatchObject({ state: S.Approved, version: 2, requesterId: 'alice', requesterName: 'Alice Smith', itemId: laptop.id, itemVersion: 1, approvals: [], tasks: [] });
      expect(request.number).toMatch(/^REQ\d{7}$/);
      const [row] = await database.query(`SELECT number, state, answers, version FROM incident.requests WHERE id = $1`, [request.id]);
      expect(row).toEqual({ number: request.number, state: 'approved', answers: buildLaptopAnswers(), version: 2 });

      const events = await eventsOf(request.id, 4);
      expect(events.map((event) => event.type)).toEqual([TYPE.submitted, TYPE.stateChanged, TYPE.stateChanged, TYPE.approved]);
      expect(events[0]?.data).toMatchObject({ id: request.id, number: request.number, state: S.Submitted, version: 1, answers: buildLaptopAnswers() });
      expect(events.filter((event) => event.type === TYPE.stateChanged).map((event) => event.data)).toEqual([
        expect.objectContaining({ from: null, to: S.Submitted, changedBy: 'alice', version: 1 }),
        expect.objectContaining({ from: S.Submitted, to: S.Approved, changedBy: 'alice', version: 2 }),
      ]);
      expect(events[3]?.data).toEqual({ requestId: request.id, number: request.number, itemId: laptop.id, requesterId: 'alice', requesterGroups: [], approvalType: 'none', approvedBy: [], required: 0 });
      const audit = await database.query(`SELECT action, actor_id FROM incident.audit_log WHERE entity_id = $1 ORDER BY id`, [request.id]);
      expect(audit).toEqual([
        { action: 'submitted', actor_id: 'alice' },
        { action: 'state_changed', actor_id: 'alice' },
      ]);
    });

    it('hands out consecutive numbers starting at REQ0001001', async () => {
      const first = await submit(laptop);
      const second = await submit(laptop);

      expect(Number(second.number.slice(3)) - Number(first.number.slice(3))).toBe(1);
      await expect(database.query(`SELECT min(number) AS min FROM incident.requests`)).resolves.toEqual([{ min: 'REQ0001001' }]);
    });

    it('refuses answers that do not fit the form, naming each as answers.<field>, and writes nothing', async () => {
      const before = await writes();

      const error = await rpc
        .call(RequestRpc.submit, { itemId: laptop.id, answers: { laptopModel: 'gaming-17', keyboardLayout: 7, colour: 'red' } }, { actor: alice })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: RequestErrorCode.AnswersInvalid });
      expect(fieldsOf(error)).toEqual(['answers.colour', 'answers.keyboardLayout', 'answers.laptopModel']);
      await expect(writes()).resolves.toEqual(before);
    });

    it('refuses answers missing a required field, naming it', async () => {
      const error = await rpc.call(RequestRpc.submit, { itemId: laptop.id, answers: { keyboardLayout: 'fr' } }, { actor: alice }).catch((e: unknown) => e);

      expect(fieldsOf(error)).toEqual(['answers.laptopModel']);
    });

    it.each([
      ['an unknown field', { ...buildSubmitRequest(randomUUID()), priority: 'high' }, ['priority']],
      ['answers that are not an object', { itemId: randomUUID(), answers: ['developer-16'] }, ['answers']],
      ['an item id that is not a UUID', { itemId: 'laptop', answers: {} }, ['itemId']],
    ])('refuses %s with VALIDATION naming it, and writes nothing', async (_label, body, fields) => {
      const before = await writes();

      const error = await rpc.call(RequestRpc.submit, body as never, { actor: alice }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(fields);
      await expect(writes()).resolves.toEqual(before);
    });

    it('refuses an unknown item with NOT_FOUND and a retired one with UNPROCESSABLE, writing nothing', async () => {
      const retired = await rpc.call(CatalogRpc.create, buildCatalogItem(), { actor: admin });
      await rpc.call(CatalogRpc.retire, { id: retired.id }, { actor: admin });
      const before = await writes();

      await expect(rpc.call(RequestRpc.submit, buildSubmitRequest(randomUUID()), { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        reason: RequestErrorCode.CatalogItemNotFound,
      });
      await expect(rpc.call(RequestRpc.submit, buildSubmitRequest(retired.id), { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
        reason: RequestErrorCode.CatalogItemRetired,
      });

      await expect(writes()).resolves.toEqual(before);
    });

    it('returns the first request for a retry with the same Idempotency-Key, and refuses the key with another body', async () => {
      const key = randomUUID();
      const first = await rpc.call(RequestRpc.submit, { ...buildSubmitRequest(laptop.id), idempotencyKey: key }, { actor: alice });
      const before = await writes();

      await expect(rpc.call(RequestRpc.submit, { ...buildSubmitRequest(laptop.id), idempotencyKey: key }, { actor: alice })).resolves.toEqual(first);
      await expect(
        rpc.call(RequestRpc.submit, { itemId: laptop.id, answers: buildLaptopAnswers({ laptopModel: 'standard-14' }), idempotencyKey: key }, { actor: alice }),
      ).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE });

      await expect(writes()).resolves.toEqual(before);
    });
  });

  describe('approval by the manager', () => {
    it('asks the requester’s manager, who approves: state, decision and events approval_requested then approved', async () => {
      const item = await itemWith({ type: ApprovalType.Manager });
      const request = await submit(item, alice);
      expect(request).toMatchObject({ state: S.AwaitingApproval, managerId: 'mallory', approvals: [{ approverId: 'mallory', group: null, decision: ApprovalDecision.Pending }] });

      // The manager is a plain requester, yet sees the request they are asked to decide.
      await expect(rpc.call(RequestRpc.get, { id: request.id }, { actor: mallory })).resolves.toMatchObject({ id: request.id });
      const approved = await rpc.call(RequestRpc.approve, { id: request.id, comment: 'Fine by me', expectedVersion: 2 }, { actor: mallory });

      expect(approved).toMatchObject({ state: S.Approved, version: 3, approvals: [{ approverId: 'mallory', decision: ApprovalDecision.Approved, decidedBy: 'mallory', comment: 'Fine by me' }] });
      await expect(stored(request.id)).resolves.toEqual({ state: 'approved', version: 3 });
      const events = await eventsOf(request.id, 6);
      expect(events.map((event) => event.type)).toEqual([TYPE.submitted, TYPE.stateChanged, TYPE.stateChanged, TYPE.approvalRequested, TYPE.stateChanged, TYPE.approved]);
      expect(events[3]?.data).toMatchObject({ approvalType: 'manager', approverId: 'mallory', group: null, required: 1, itemName: item.name });
      expect(events[4]?.data).toMatchObject({ from: S.AwaitingApproval, to: S.Approved, changedBy: 'mallory', reason: 'Fine by me', version: 3 });
      expect(events[5]?.data).toMatchObject({ approvalType: 'manager', approvedBy: ['mallory'], required: 1 });
    });

    it('refuses a manager approval item to a requester whose token names no manager with UNPROCESSABLE, and writes nothing', async () => {
      const item = await itemWith({ type: ApprovalType.Manager });
      const before = await writes();

      await expect(submit(item, bob)).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: RequestErrorCode.ManagerMissing });

      await expect(writes()).resolves.toEqual(before);
    });

    it('refuses a decision by someone else than the manager with FORBIDDEN, and a second one by the manager with CONFLICT', async () => {
      const item = await itemWith({ type: ApprovalType.Manager });
      const request = await submit(item, alice);

      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: RequestErrorCode.NotApprover });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: RequestErrorCode.OwnRequestDecision,
      });
      await rpc.call(RequestRpc.reject, { id: request.id }, { actor: mallory });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: mallory })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: RequestErrorCode.AlreadyDecided });
      await expect(stored(request.id)).resolves.toEqual({ state: 'rejected', version: 3 });
    });
  });

  describe('approval by a group', () => {
    it('lets any member decide; a rejection settles it, with the event request_rejected', async () => {
      const item = await itemWith({ type: ApprovalType.Group, group: 'it-procurement' });
      const request = await submit(item, bob);
      expect(request.approvals).toEqual([expect.objectContaining({ approverId: null, group: 'it-procurement', decision: ApprovalDecision.Pending })]);

      await expect(rpc.call(RequestRpc.reject, { id: request.id }, { actor: carol })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      await expect(rpc.call(RequestRpc.reject, { id: request.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const rejected = await rpc.call(RequestRpc.reject, { id: request.id, comment: 'Use the pool laptops' }, { actor: frank });

      expect(rejected).toMatchObject({ state: S.Rejected, approvals: [{ group: 'it-procurement', decision: ApprovalDecision.Rejected, decidedBy: 'frank' }] });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: gina })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      await expect(stored(request.id)).resolves.toEqual({ state: 'rejected', version: 3 });
      const events = await eventsOf(request.id, 6);
      expect(events[3]?.data).toMatchObject({ approvalType: 'group', approverId: null, group: 'it-procurement', required: 1 });
      expect(events.map((event) => event.type).slice(4)).toEqual([TYPE.stateChanged, TYPE.rejected]);
      expect(events[5]?.data).toEqual({
        requestId: request.id,
        number: request.number,
        itemId: item.id,
        requesterId: 'bob',
        requesterGroups: [],
        approvalType: 'group',
        rejectedBy: 'frank',
        comment: 'Use the pool laptops',
        approvals: 0,
        rejections: 1,
        required: 1,
      });
    });

    it('approves on the first approval of a member', async () => {
      const item = await itemWith({ type: ApprovalType.Group, group: 'it-procurement' });
      const request = await submit(item, bob);

      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: gina })).resolves.toMatchObject({ state: S.Approved });
      const events = await eventsOf(request.id, 6);
      expect(events[5]).toMatchObject({ type: TYPE.approved, data: { approvedBy: ['gina'], approvalType: 'group' } });
    });
  });

  describe('approval by n of m', () => {
    const twoOfThree = { type: ApprovalType.NOfM, approvers: ['carol', 'dave', 'erin'], required: 2 };

    it('refuses a requester’s decision on their own request, even as one of the approvers', async () => {
      const item = await itemWith(twoOfThree);
      const request = await submit(item, carol);
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: carol })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: RequestErrorCode.OwnRequestDecision,
      });
      await expect(rpc.call(RequestRpc.get, { id: request.id }, { actor: carol })).resolves.toMatchObject({ state: S.AwaitingApproval, version: request.version });
    });

    it('asks every approver, waits for the second approval, then approves; each approver decides once', async () => {
      const item = await itemWith(twoOfThree);
      const request = await submit(item, bob);
      expect(request.approvals.map((step) => step.approverId)).toEqual(['carol', 'dave', 'erin']);

      const once = await rpc.call(RequestRpc.approve, { id: request.id }, { actor: carol });
      expect(once).toMatchObject({ state: S.AwaitingApproval, version: 3 });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: carol })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: mallory })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const twice = await rpc.call(RequestRpc.approve, { id: request.id }, { actor: dave });

      expect(twice).toMatchObject({ state: S.Approved, version: 4 });
      await expect(rpc.call(RequestRpc.reject, { id: request.id }, { actor: erin })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      await expect(database.query(`SELECT approver_id, decision, decided_by FROM incident.request_approvals WHERE request_id = $1 ORDER BY position`, [request.id])).resolves.toEqual([
        { approver_id: 'carol', decision: 'approved', decided_by: 'carol' },
        { approver_id: 'dave', decision: 'approved', decided_by: 'dave' },
        { approver_id: 'erin', decision: 'no_longer_required', decided_by: null },
      ]);
      await expect(stored(request.id)).resolves.toEqual({ state: 'approved', version: 4 });
      const events = await eventsOf(request.id, 8);
      expect(events.map((event) => event.type)).toEqual([
        TYPE.submitted,
        TYPE.stateChanged,
        TYPE.stateChanged,
        TYPE.approvalRequested,
        TYPE.approvalRequested,
        TYPE.approvalRequested,
        TYPE.stateChanged,
        TYPE.approved,
      ]);
      expect(events.slice(3, 6).map((event) => (event.data as { approverId: string }).approverId)).toEqual(['carol', 'dave', 'erin']);
      expect(events[7]?.data).toMatchObject({ approvalType: 'n_of_m', approvedBy: ['carol', 'dave'], required: 2 });
    });

    it('rejects as soon as the approvers left cannot reach the approvals needed', async () => {
      const item = await itemWith(twoOfThree);
      const request = await submit(item, bob);

      await expect(rpc.call(RequestRpc.reject, { id: request.id }, { actor: erin })).resolves.toMatchObject({ state: S.AwaitingApproval });
      await expect(rpc.call(RequestRpc.approve, { id: request.id }, { actor: carol })).resolves.toMatchObject({ state: S.AwaitingApproval });
      const rejected = await rpc.call(RequestRpc.reject, { id: request.id, comment: 'No budget' }, { actor: dave });

      expect(rejected).toMatchObject({ state: S.Rejected });
      await expect(stored(request.id)).resolves.toEqual({ state: 'rejected', version: 5 });
      const events = await eventsOf(request.id, 8);
      expect(events[7]).toMatchObject({ type: TYPE.rejected, data: { rejectedBy: 'dave', approvals: 1, rejections: 2, required: 2, comment: 'No budget' } });
    });

    it('marks the steps nobody decided as no longer required once the request is settled or canceled', async () => {
      const settled = await submit(await itemWith(twoOfThree), bob);
      await rpc.call(RequestRpc.approve, { id: settled.id }, { actor: carol });
      const approved = await rpc.call(RequestRpc.approve, { id: settled.id }, { actor: dave });
      expect(approved.approvals.map((step) => [step.approverId, step.decision])).toEqual([
        ['carol', 'approved'],
        ['dave', 'approved'],
        ['erin', 'no_longer_required'],
      ]);
      await expect(rpc.call(RequestRpc.approve, { id: settled.id }, { actor: erin })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });

      const canceled = await submit(await itemWith(twoOfThree), bob);
      const after = await rpc.call(RequestRpc.transition, { id: canceled.id, to: S.Canceled, reason: 'not needed any more' }, { actor: bob });
      expect(after.approvals.map((step) => step.decision)).toEqual(['no_longer_required', 'no_longer_required', 'no_longer_required']);
      await expect(
        database.query(`SELECT decision, count(*)::int AS n FROM incident.request_approvals WHERE request_id = $1 GROUP BY decision`, [canceled.id]),
      ).resolves.toEqual([{ decision: 'no_longer_required', n: 3 }]);
    });

    it('rejects 3 of 3 on the first rejection', async () => {
      const item = await itemWith({ type: ApprovalType.NOfM, approvers: ['carol', 'dave', 'erin'], required: 3 });
      const request = await submit(item, bob);

      await expect(rpc.call(RequestRpc.reject, { id: request.id }, { actor: carol })).resolves.toMatchObject({ state: S.Rejected, version: 3 });
    });

    it('counts concurrent decisions without losing one', async () => {
      const item = await itemWith({ type: ApprovalType.NOfM, approvers: ['carol', 'dave', 'erin'], required: 3 });
      const request = await submit(item, bob);

      await Promise.all([carol, dave, erin].map((actor) => rpc.call(RequestRpc.approve, { id: request.id }, { actor })));

      await expect(stored(request.id)).resolves.toEqual({ state: 'approved', version: 5 });
      const events = await eventsOf(request.id, 8);
      expect(events.filter((event) => event.type === TYPE.approved)).toHaveLength(1);
    });
  });

  describe('fulfillment', () => {
    it('starts with a task for the fulfillment group, refuses fulfilled while tasks are open, then fulfils and closes', async () => {
      const request = await submit(laptop, alice);

      const started = await rpc.call(RequestRpc.transition, { id: request.id, to: S.InFulfillment, expectedVersion: 2 }, { actor: sam });
      expect(started).toMatchObject({ state: S.InFulfillment, version: 3, tasks: [{ title: `Deliver "${laptop.name}"`, assignmentGroup: 'it-hardware', state: FulfillmentTaskState.Open, createdBy: 'sam' }] });
      const withTask = await rpc.call(RequestRpc.addTask, { id: request.id, title: 'Install the developer image', assignmentGroup: 'desktop-support' }, { actor: sam });
      expect(withTask.tasks).toHaveLength(2);
      expect(withTask.version).toBe(4);

      const refused = await rpc.call(RequestRpc.transition, { id: request.id, to: S.Fulfilled }, { actor: sam }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: ErrorCode.CONFLICT, reason: RequestErrorCode.OpenTasksRemain, details: { openTasks: [expect.objectContaining({ title: `Deliver "${laptop.name}"` }), expect.objectContaining({ title: 'Install the developer image' })] } });
      await expect(stored(request.id)).resolves.toEqual({ state: 'in_fulfillment', version: 4 });

      for (const task of withTask.tasks) await rpc.call(RequestRpc.completeTask, { id: request.id, taskId: task.id }, { actor: sam });
      await expect(rpc.call(RequestRpc.completeTask, { id: request.id, taskId: withTask.tasks[0]?.id ?? '' }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: RequestErrorCode.TaskAlreadyCompleted,
      });
      const fulfilled = await rpc.call(RequestRpc.transition, { id: request.id, to: S.Fulfilled, expectedVersion: 6 }, { actor: sam });
      expect(fulfilled).toMatchObject({ state: S.Fulfilled, version: 7, tasks: [{ state: FulfillmentTaskState.Completed, completedBy: 'sam' }, { state: FulfillmentTaskState.Completed }] });
      await expect(rpc.call(RequestRpc.transition, { id: request.id, to: S.Closed }, { actor: sam })).resolves.toMatchObject({ state: S.Closed, version: 8 });

      await expect(stored(request.id)).resolves.toEqual({ state: 'closed', version: 8 });
      // submitted, five state changes, approved and fulfilled: wait for all eight, the last relayed included.
      const events = await eventsOf(request.id, 8);
      expect(events.filter((event) => event.type === TYPE.stateChanged).map((event) => [(event.data as { from: string }).from, (event.data as { to: string }).to])).toEqual([
        [null, S.Submitted],
        [S.Submitted, S.Approved],
        [S.Approved, S.InFulfillment],
        [S.InFulfillment, S.Fulfilled],
        [S.Fulfilled, S.Closed],
      ]);
      expect(events.find((event) => event.type === TYPE.fulfilled)?.data).toEqual({
        requestId: request.id,
        number: request.number,
        itemId: laptop.id,
        requesterId: 'alice',
        requesterGroups: [],
        fulfilledBy: 'sam',
        tasksCompleted: 2,
      });
      const audit = await database.query<{ action: string }>(`SELECT action FROM incident.audit_log WHERE entity_id = $1 ORDER BY id`, [request.id]);
      expect(audit.map((row) => row.action)).toEqual(['submitted', 'state_changed', 'state_changed', 'task_added', 'task_completed', 'task_completed', 'state_changed', 'state_changed']);
    });

    it('keeps tasks to agents and to requests in fulfillment', async () => {
      const request = await submit(laptop, alice);

      await expect(rpc.call(RequestRpc.addTask, { id: request.id, title: 'Order it', assignmentGroup: 'purchasing' }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: CommonErrorCode.RoleRequired,
      });
      await expect(rpc.call(RequestRpc.addTask, { id: request.id, title: 'Order it', assignmentGroup: 'purchasing' }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: RequestErrorCode.NotInFulfillment,
      });
      await expect(rpc.call(RequestRpc.completeTask, { id: request.id, taskId: randomUUID() }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        reason: RequestErrorCode.TaskNotFound,
      });
      await expect(stored(request.id)).resolves.toEqual({ state: 'approved', version: 2 });
    });
  });

  describe('transitions', () => {
    const twoOfTwo = { type: ApprovalType.NOfM, approvers: ['carol', 'dave'], required: 2 };

    /** A fresh request of alice's, brought into `state` the way users would. */
    async function requestIn(state: RequestState): Promise<ServiceRequestView> {
      const approvalNeeded = state === S.AwaitingApproval || state === S.Rejected;
      const item = approvalNeeded ? await itemWith(twoOfTwo) : laptop;
      let request = await submit(item, alice);
      const steps: Partial<Record<RequestState, () => Promise<ServiceRequestView>>> = {
        [S.Rejected]: () => rpc.call(RequestRpc.reject, { id: request.id }, { actor: carol }),
        [S.InFulfillment]: () => rpc.call(RequestRpc.transition, { id: request.id, to: S.InFulfillment }, { actor: sam }),
        [S.Fulfilled]: async () => {
          const started = await rpc.call(RequestRpc.transition, { id: request.id, to: S.InFulfillment }, { actor: sam });
          for (const task of started.tasks) await rpc.call(RequestRpc.completeTask, { id: request.id, taskId: task.id }, { actor: sam });
          return rpc.call(RequestRpc.transition, { id: request.id, to: S.Fulfilled }, { actor: sam });
        },
        [S.Canceled]: () => rpc.call(RequestRpc.transition, { id: request.id, to: S.Canceled }, { actor: alice }),
      };
      if (state === S.Closed) {
        request = await requestIn(S.Fulfilled);
        request = await rpc.call(RequestRpc.transition, { id: request.id, to: S.Closed }, { actor: sam });
      } else {
        const step = steps[state];
        if (step) request = await step();
      }
      expect(request.state).toBe(state);
      return request;
    }

    const ALL = Object.values(RequestState);
    const ALLOWED: Record<'requester' | 'agent', Partial<Record<RequestState, RequestState[]>>> = {
      requester: { [S.AwaitingApproval]: [S.Canceled], [S.Approved]: [S.Canceled] },
      agent: {
        [S.AwaitingApproval]: [S.Canceled],
        [S.Approved]: [S.InFulfillment, S.Canceled],
        [S.InFulfillment]: [S.Fulfilled, S.Canceled],
        [S.Fulfilled]: [S.Closed],
      },
    };
    const actors = { requester: alice, agent: sam };
    // `submitted` only lasts inside the submitting transaction, so no caller ever finds a request in it.
    const observable = ALL.filter((state) => state !== S.Submitted);
    const cases = (['requester', 'agent'] as const).flatMap((who) =>
      observable.flatMap((from) => ALL.map((to) => [who, from, to, (ALLOWED[who][from] ?? []).includes(to)] as const)),
    );

    it.each(cases.filter(([, , , allowed]) => allowed))('lets the %s move a request from %s to %s', async (who, from, to) => {
      let request = await requestIn(from);
      if (to === S.Fulfilled) {
        for (const task of request.tasks) request = await rpc.call(RequestRpc.completeTask, { id: request.id, taskId: task.id }, { actor: sam });
      }

      const moved = await rpc.call(RequestRpc.transition, { id: request.id, to, expectedVersion: request.version }, { actor: actors[who] });

      expect(moved).toMatchObject({ state: to, version: request.version + 1 });
      await expect(stored(request.id)).resolves.toEqual({ state: to, version: request.version + 1 });
      const changed = await waitFor(async () => (await eventsOf(request.id, 1)).find((event) => event.type === TYPE.stateChanged && (event.data as { to: string }).to === to));
      expect(changed.data).toMatchObject({ from, to, changedBy: actors[who].sub, version: request.version + 1 });
    });

    const refusals = observable.flatMap((from) => (['requester', 'agent'] as const).map((who) => [who, from] as const));

    it.each(refusals)('refuses the %s every other move of a request in %s with INVALID_TRANSITION naming what is allowed, writing nothing', async (who, from) => {
      const request = await requestIn(from);
      const before = await writes();
      const allowed = ALLOWED[who][from] ?? [];

      for (const to of ALL.filter((target) => !allowed.includes(target))) {
        const error = await rpc.call(RequestRpc.transition, { id: request.id, to }, { actor: actors[who] }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, reason: RequestErrorCode.InvalidTransition, details: { from, to, allowed } });
      }

      await expect(writes()).resolves.toEqual(before);
      await expect(stored(request.id)).resolves.toEqual({ state: from, version: request.version });
    });

    it('refuses a move based on a stale version with PRECONDITION_FAILED, and changes nothing', async () => {
      const request = await submit(laptop, alice);

      await expect(rpc.call(RequestRpc.transition, { id: request.id, to: S.InFulfillment, expectedVersion: 1 }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
      });

      await expect(stored(request.id)).resolves.toEqual({ state: 'approved', version: 2 });
    });

    it('refuses a target state that does not exist naming to', async () => {
      const request = await submit(laptop, alice);

      await expect(rpc.call(RequestRpc.transition, { id: request.id, to: 'done' as RequestState }, { actor: sam }).catch(fieldsOf)).resolves.toEqual(['to']);
    });
  });

  describe('who sees what', () => {
    it('answers NOT_FOUND to another requester for every read and write of a request, and writes nothing', async () => {
      const request = await submit(laptop, alice);
      const before = await writes();

      for (const call of [
        () => rpc.call(RequestRpc.get, { id: request.id }, { actor: bob }),
        () => rpc.call(RequestRpc.transition, { id: request.id, to: S.Canceled }, { actor: bob }),
        () => rpc.call(RequestRpc.addComment, { id: request.id, body: 'Mine now' }, { actor: bob }),
        () => rpc.call(RequestRpc.listComments, { id: request.id }, { actor: bob }),
        () => rpc.call(RequestRpc.approve, { id: request.id }, { actor: bob }),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: RequestErrorCode.NotFound });
      }

      await expect(writes()).resolves.toEqual(before);
    });

    it('lists a requester’s own requests only, newest first, a page at a time, with filters for agents', async () => {
      const item = await rpc.call(CatalogRpc.create, buildCatalogItem(), { actor: admin });
      const mine = [await submit(item, erin), await submit(item, erin), await submit(item, erin)];
      const theirs = await submit(item, bob);

      const first = await rpc.call(RequestRpc.list, { item: item.id, limit: 2 }, { actor: erin });
      expect(first.items.map((request) => request.id)).toEqual([mine[2]?.id, mine[1]?.id]);
      const second = await rpc.call(RequestRpc.list, { item: item.id, limit: 2, cursor: first.nextCursor ?? '' }, { actor: erin });
      expect(second).toEqual({ items: [mine[0]], nextCursor: null });
      await expect(rpc.call(RequestRpc.list, { requester: 'bob' }, { actor: erin })).resolves.toEqual({ items: [], nextCursor: null });

      const agentView = await rpc.call(RequestRpc.list, { item: item.id, requester: 'bob', state: S.Approved }, { actor: sam });
      expect(agentView.items.map((request) => request.id)).toEqual([theirs.id]);
      await expect(rpc.call(RequestRpc.list, { item: item.id, state: S.Closed }, { actor: sam })).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('keeps internal comments from the requester, who may only write public ones', async () => {
      const request = await submit(laptop, alice);

      const question = await rpc.call(RequestRpc.addComment, { id: request.id, body: 'Can it be the 16-inch one?' }, { actor: alice });
      const note = await rpc.call(RequestRpc.addComment, { id: request.id, body: 'Check stock first', visibility: RequestCommentVisibility.Internal }, { actor: sam });
      await expect(
        rpc.call(RequestRpc.addComment, { id: request.id, body: 'Psst', visibility: RequestCommentVisibility.Internal }, { actor: alice }),
      ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: RequestErrorCode.InternalCommentAgentsOnly });

      expect(question).toMatchObject({ requestId: request.id, authorId: 'alice', authorName: 'Alice Smith', visibility: 'public' });
      await expect(rpc.call(RequestRpc.listComments, { id: request.id }, { actor: alice })).resolves.toEqual({ items: [question], nextCursor: null });
      await expect(rpc.call(RequestRpc.listComments, { id: request.id }, { actor: sam })).resolves.toEqual({ items: [question, note], nextCursor: null });
      await expect(database.query(`SELECT visibility FROM incident.request_comments WHERE request_id = $1 ORDER BY created_at`, [request.id])).resolves.toEqual([
        { visibility: 'public' },
        { visibility: 'internal' },
      ]);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  type Actor,
  type AddFulfillmentTaskCommand,
  type AddRequestCommentCommand,
  ApprovalDecision,
  type ApprovalDecisionCommand,
  canSeeAllTickets,
  type CompleteFulfillmentTaskCommand,
  DEFAULT_PAGE_SIZE,
  DomainError,
  ErrorCode,
  FulfillmentTaskState,
  type ListRequestCommentsQuery,
  type ListServiceRequestsQuery,
  type RequestCommentPage,
  RequestCommentVisibility,
  type RequestCommentView,
  RequestEvents,
  RequestState,
  type RequestTransitionCommand,
  type ServiceRequestPage,
  type ServiceRequestView,
  type SubmitServiceRequestCommand,
} from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { assertVersion, claimIdempotencyKey, decodeCursor, encodeCursor, nextHumanNumber } from '@itsm/persistence';
import { approvalOutcome, approvalStepsFor, requiredApprovals, stepOf } from '../domain/approval';
import { checkRequestTransition, type RequestMover } from '../domain/request-state';
import { writeAudit } from '../catalog/audit';
import { CatalogService } from '../catalog/catalog.service';
import { FormSchemas } from '../catalog/form-schema';
import { FulfillmentTask, toTaskView } from './fulfillment-task.entity';
import { RequestApproval, toApprovalView } from './request-approval.entity';
import { RequestComment, toCommentView } from './request-comment.entity';
import { ServiceRequest, toRequestSnapshot } from './service-request.entity';

/** Agents, managers and admins work requests; everybody else only sees their own (and what they approve). */
function worksRequests(actor: Actor): boolean {
  return canSeeAllTickets(actor);
}

function isApprover(actor: Actor, approvals: readonly RequestApproval[]): boolean {
  return approvals.some((step) => step.approverId === actor.sub || (step.group !== null && (actor.groups ?? []).includes(step.group)));
}

function moversOf(actor: Actor, request: ServiceRequest): RequestMover[] {
  const movers: RequestMover[] = [];
  if (request.requesterId === actor.sub) movers.push('requester');
  if (worksRequests(actor)) movers.push('agent');
  return movers;
}

function eventBase(request: ServiceRequest): { requestId: string; number: string; itemId: string; requesterId: string; requesterGroups: string[] } {
  return { requestId: request.id, number: request.number, itemId: request.itemId, requesterId: request.requesterId, requesterGroups: request.requesterGroups };
}

function invalidCursor(): DomainError {
  return new DomainError(ErrorCode.VALIDATION, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
}

/** `[instant, uuid]` of a keyset cursor. */
function timeAndId(cursor: string): [string, string] {
  const [at, id] = decodeCursor(cursor, 2);
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw invalidCursor();
  return [at, id];
}

interface Loaded {
  request: ServiceRequest;
  approvals: RequestApproval[];
}

/**
 * Use cases of service requests. Every change locks the request row, checks `If-Match`, and writes the change,
 * its audit row and its events in one transaction; the request's version moves by one per command.
 */
@Injectable()
export class RequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly catalog: CatalogService,
    private readonly forms: FormSchemas,
  ) {}

  /**
   * Submits a request: `submitted`, then in the same transaction `awaiting_approval` (asking each approver) or,
   * when the item needs no approval, `approved`.
   */
  async submit(command: SubmitServiceRequestCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      const key = command.idempotencyKey ?? undefined;
      if (key !== undefined) {
        const request = { itemId: command.itemId, answers: command.answers };
        const earlier = await claimIdempotencyKey(manager, { scope: 'request.submit', actorId: actor.sub, key, request, resourceId: id });
        if (earlier) return this.view(manager, await manager.findOneByOrFail(ServiceRequest, { id: earlier }));
      }
      const item = await this.catalog.activeItem(manager, command.itemId);
      const errors = this.forms.validateAnswers(item, command.answers);
      if (errors.length > 0) {
        const fields = [...new Set(errors.map((error) => error.field))];
        throw new DomainError(ErrorCode.VALIDATION, `answers do not fit the form of "${item.name}": ${fields.join(', ')}`, { errors });
      }
      const steps = approvalStepsFor(item.approval, { managerId: actor.managerId ?? null });
      if (!steps.ok) {
        throw new DomainError(ErrorCode.UNPROCESSABLE, `"${item.name}" needs the approval of the requester's manager, and the caller's token names no manager`, {
          errors: [{ field: 'itemId', message: 'needs a manager to approve, and the requester has none' }],
        });
      }
      const now = new Date();
      const request = manager.create(ServiceRequest, {
        id,
        number: await nextHumanNumber(manager, 'incident', 'request_number_seq', 'REQ'),
        itemId: item.id,
        itemName: item.name,
        itemVersion: item.version,
        requesterId: actor.sub,
        requesterName: actor.name ?? null,
        requesterGroups: [...new Set(actor.groups ?? [])],
        managerId: actor.managerId ?? null,
        answers: command.answers,
        approval: item.approval,
        state: RequestState.Submitted,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await manager.insert(ServiceRequest, request);
      const snapshot = toRequestSnapshot(request);
      await this.outbox.publish(manager, RequestEvents.submitted, snapshot, {
        subject: id,
        time: now,
        audit: { entityType: 'request', entityId: id, action: 'submitted', actorId: actor.sub, before: null, after: snapshot },
      });
      await this.outbox.publish(
        manager,
        RequestEvents.stateChanged,
        { ...eventBase(request), from: null, to: RequestState.Submitted, changedBy: actor.sub, reason: null, version: request.version },
        { subject: id, time: now },
      );

      if (steps.steps.length === 0) {
        await this.move(manager, request, RequestState.Approved, actor, null);
        await this.outbox.publish(
          manager,
          RequestEvents.approved,
          { ...eventBase(request), approvalType: request.approval.type, approvedBy: [], required: 0 },
          { subject: id },
        );
        return this.view(manager, request, []);
      }
      const approvals = steps.steps.map((step, position) =>
        manager.create(RequestApproval, {
          id: randomUUID(),
          requestId: id,
          position,
          approverId: step.approverId,
          group: step.group,
          decision: ApprovalDecision.Pending,
          decidedBy: null,
          decidedAt: null,
          comment: null,
          createdAt: now,
          version: 1,
        }),
      );
      await manager.insert(RequestApproval, approvals);
      await this.move(manager, request, RequestState.AwaitingApproval, actor, null);
      for (const step of approvals) {
        await this.outbox.publish(
          manager,
          RequestEvents.approvalRequested,
          {
            ...eventBase(request),
            approvalId: step.id,
            approvalType: request.approval.type,
            approverId: step.approverId,
            group: step.group,
            required: requiredApprovals(request.approval),
            itemName: request.itemName,
          },
          { subject: id },
        );
      }
      return this.view(manager, request, approvals);
    });
  }

  async get(id: string, actor: Actor): Promise<ServiceRequestView> {
    const { request, approvals } = await this.load(this.dataSource.manager, id, actor, false);
    return this.view(this.dataSource.manager, request, approvals);
  }

  /** Newest first; requesters only ever get their own. */
  async list(query: ListServiceRequestsQuery, actor: Actor): Promise<ServiceRequestPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource
      .getRepository(ServiceRequest)
      .createQueryBuilder('r')
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (!worksRequests(actor)) builder.andWhere('r.requesterId = :me', { me: actor.sub });
    if (query.state) builder.andWhere('r.state = :state', { state: query.state });
    if (query.requester) builder.andWhere('r.requesterId = :requester', { requester: query.requester });
    if (query.item) builder.andWhere('r.itemId = :item', { item: query.item });
    if (query.cursor) {
      const [at, id] = timeAndId(query.cursor);
      builder.andWhere('(r.createdAt, r.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at, id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const ids = page.map((request) => request.id);
    const [approvals, tasks] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            this.dataSource.manager.find(RequestApproval, { where: { requestId: In(ids) }, order: { position: 'ASC' } }),
            this.dataSource.manager.find(FulfillmentTask, { where: { requestId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }),
          ]);
    const last = page[page.length - 1];
    return {
      items: page.map((request) => ({
        ...toRequestSnapshot(request),
        approvals: approvals.filter((step) => step.requestId === request.id).map(toApprovalView),
        tasks: tasks.filter((task) => task.requestId === request.id).map(toTaskView),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  /**
   * Moves a request through the transitions endpoint: fulfillment, closing and cancelation. Entering fulfillment
   * creates the first task, for the item's fulfillment group; it is fulfilled only when no task is open.
   */
  async transition(command: RequestTransitionCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.load(manager, command.id, actor, true);
      assertVersion(`request ${request.number}`, request.version, command.expectedVersion ?? undefined);
      const from = request.state;
      const check = checkRequestTransition(from, command.to, moversOf(actor, request));
      if (!check.ok) {
        const allowed = check.allowed.length > 0 ? `allowed: ${check.allowed.join(', ')}` : 'nothing is allowed to the caller';
        throw new DomainError(ErrorCode.INVALID_TRANSITION, `request ${request.number} cannot move from ${from} to ${command.to} (${allowed})`, {
          from,
          to: command.to,
          allowed: check.allowed,
        });
      }
      const reason = command.reason ?? null;
      if (command.to === RequestState.InFulfillment) {
        const group = await this.catalog.fulfillmentGroupOf(manager, request.itemId);
        await this.move(manager, request, command.to, actor, reason, approvals);
        await manager.insert(FulfillmentTask, this.newTask(manager, request, `Deliver "${request.itemName}"`, group, actor));
      } else if (command.to === RequestState.Fulfilled) {
        const tasks = await manager.find(FulfillmentTask, { where: { requestId: request.id }, order: { createdAt: 'ASC', id: 'ASC' } });
        const open = tasks.filter((task) => task.state === FulfillmentTaskState.Open);
        if (open.length > 0) {
          throw new DomainError(ErrorCode.CONFLICT, `request ${request.number} still has open tasks: ${open.map((task) => `"${task.title}"`).join(', ')}`, {
            openTasks: open.map((task) => ({ id: task.id, title: task.title, assignmentGroup: task.assignmentGroup })),
          });
        }
        await this.move(manager, request, command.to, actor, reason, approvals);
        await this.outbox.publish(manager, RequestEvents.fulfilled, { ...eventBase(request), fulfilledBy: actor.sub, tasksCompleted: tasks.length }, { subject: request.id });
      } else {
        await this.move(manager, request, command.to, actor, reason, approvals);
      }
      return this.view(manager, request, approvals);
    });
  }

  /**
   * One approver's decision. A manager's or a group's settles the request; with n of m it is approved at the
   * n-th approval and rejected as soon as the approvers left cannot bring the approvals up to n.
   */
  async decide(command: ApprovalDecisionCommand, decision: ApprovalDecision.Approved | ApprovalDecision.Rejected, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.load(manager, command.id, actor, true);
      assertVersion(`request ${request.number}`, request.version, command.expectedVersion ?? undefined);
      // Segregation of duties: nobody approves what they asked for, even when they are among the approvers.
      if (request.requesterId === actor.sub) {
        throw new DomainError(ErrorCode.FORBIDDEN, `you submitted request ${request.number}; another approver must decide`);
      }
      const lookup = stepOf(approvals, actor);
      if (!lookup.ok) {
        throw lookup.reason === 'not_approver'
          ? new DomainError(ErrorCode.FORBIDDEN, `you are not an approver of request ${request.number}`)
          : new DomainError(ErrorCode.CONFLICT, `you have already decided on request ${request.number}`);
      }
      if (request.state !== RequestState.AwaitingApproval) {
        throw new DomainError(ErrorCode.CONFLICT, `request ${request.number} is ${request.state}: it no longer waits for approvals`, { state: request.state });
      }
      const step = approvals[lookup.index] as RequestApproval;
      const before = toApprovalView(step);
      Object.assign(step, { decision, decidedBy: actor.sub, decidedAt: new Date(), comment: command.comment ?? null, version: step.version + 1 });
      await manager.update(
        RequestApproval,
        { id: step.id },
        { decision: step.decision, decidedBy: step.decidedBy, decidedAt: step.decidedAt, comment: step.comment, version: step.version },
      );
      await writeAudit(manager, { entityType: 'request', entityId: request.id, action: `approval_${decision}`, actorId: actor.sub, before, after: toApprovalView(step) });

      const outcome = approvalOutcome(request.approval, approvals);
      const approvedBy = approvals.filter((s) => s.decision === ApprovalDecision.Approved).map((s) => s.decidedBy ?? '');
      const required = requiredApprovals(request.approval);
      if (outcome === 'approved') {
        await this.move(manager, request, RequestState.Approved, actor, command.comment ?? null, approvals);
        await this.outbox.publish(manager, RequestEvents.approved, { ...eventBase(request), approvalType: request.approval.type, approvedBy, required }, { subject: request.id });
      } else if (outcome === 'rejected') {
        await this.move(manager, request, RequestState.Rejected, actor, command.comment ?? null, approvals);
        await this.outbox.publish(
          manager,
          RequestEvents.rejected,
          {
            ...eventBase(request),
            approvalType: request.approval.type,
            rejectedBy: actor.sub,
            comment: command.comment ?? null,
            approvals: approvedBy.length,
            rejections: approvals.filter((s) => s.decision === ApprovalDecision.Rejected).length,
            required,
          },
          { subject: request.id },
        );
      } else {
        await this.touch(manager, request);
      }
      return this.view(manager, request, approvals);
    });
  }

  async addTask(command: AddFulfillmentTaskCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.load(manager, command.id, actor, true);
      this.requireAgent(actor);
      assertVersion(`request ${request.number}`, request.version, command.expectedVersion ?? undefined);
      this.requireFulfillment(request, 'add tasks to');
      const task = this.newTask(manager, request, command.title, command.assignmentGroup, actor);
      await manager.insert(FulfillmentTask, task);
      await this.touch(manager, request);
      await writeAudit(manager, { entityType: 'request', entityId: request.id, action: 'task_added', actorId: actor.sub, before: null, after: toTaskView(task) });
      return this.view(manager, request, approvals);
    });
  }

  async completeTask(command: CompleteFulfillmentTaskCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.load(manager, command.id, actor, true);
      this.requireAgent(actor);
      assertVersion(`request ${request.number}`, request.version, command.expectedVersion ?? undefined);
      const task = await manager.findOneBy(FulfillmentTask, { id: command.taskId, requestId: request.id });
      if (!task) throw new DomainError(ErrorCode.NOT_FOUND, `request ${request.number} has no task ${command.taskId}`);
      if (task.state === FulfillmentTaskState.Completed) throw new DomainError(ErrorCode.CONFLICT, `task "${task.title}" is already completed`);
      this.requireFulfillment(request, 'complete tasks of');
      const before = toTaskView(task);
      Object.assign(task, { state: FulfillmentTaskState.Completed, completedBy: actor.sub, completedAt: new Date(), version: task.version + 1 });
      await manager.update(FulfillmentTask, { id: task.id }, { state: task.state, completedBy: task.completedBy, completedAt: task.completedAt, version: task.version });
      await this.touch(manager, request);
      await writeAudit(manager, { entityType: 'request', entityId: request.id, action: 'task_completed', actorId: actor.sub, before, after: toTaskView(task) });
      return this.view(manager, request, approvals);
    });
  }

  /** Anyone who sees the request may comment publicly; internal comments are for agents. */
  async addComment(command: AddRequestCommentCommand, actor: Actor): Promise<RequestCommentView> {
    return this.dataSource.transaction(async (manager) => {
      const { request } = await this.load(manager, command.id, actor, false);
      const visibility = command.visibility ?? RequestCommentVisibility.Public;
      if (visibility === RequestCommentVisibility.Internal && !worksRequests(actor)) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'only agents write internal comments');
      }
      const comment = manager.create(RequestComment, {
        id: randomUUID(),
        requestId: request.id,
        authorId: actor.sub,
        authorName: actor.name ?? null,
        body: command.body,
        visibility,
        createdAt: new Date(),
        version: 1,
      });
      await manager.insert(RequestComment, comment);
      await writeAudit(manager, { entityType: 'request', entityId: request.id, action: 'commented', actorId: actor.sub, before: null, after: { commentId: comment.id, visibility } });
      return toCommentView(comment);
    });
  }

  /** Oldest first; requesters and approvers never get internal comments. */
  async listComments(query: ListRequestCommentsQuery, actor: Actor): Promise<RequestCommentPage> {
    const { request } = await this.load(this.dataSource.manager, query.id, actor, false);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource
      .getRepository(RequestComment)
      .createQueryBuilder('c')
      .where('c.requestId = :id', { id: request.id })
      .orderBy('c.createdAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit + 1);
    if (!worksRequests(actor)) builder.andWhere('c.visibility = :public', { public: RequestCommentVisibility.Public });
    if (query.cursor) {
      const [at, id] = timeAndId(query.cursor);
      builder.andWhere('(c.createdAt, c.id) > (CAST(:at AS timestamptz), CAST(:after AS uuid))', { at, after: id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toCommentView), nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
  }

  /**
   * The request and its approval steps, if the actor may see it: agents see all, requesters their own,
   * approvers those they are asked to decide. Anything else looks like it does not exist.
   */
  private async load(manager: EntityManager, id: string, actor: Actor, lock: boolean): Promise<Loaded> {
    const request = lock
      ? await manager.findOne(ServiceRequest, { where: { id }, lock: { mode: 'pessimistic_write' } })
      : await manager.findOneBy(ServiceRequest, { id });
    if (!request) throw new DomainError(ErrorCode.NOT_FOUND, `request ${id} not found`);
    const approvals = await manager.find(RequestApproval, { where: { requestId: id }, order: { position: 'ASC' } });
    if (!worksRequests(actor) && request.requesterId !== actor.sub && !isApprover(actor, approvals)) {
      throw new DomainError(ErrorCode.NOT_FOUND, `request ${id} not found`);
    }
    return { request, approvals };
  }

  /** Moves the request to `to`: the row, the audit row and `request_state_changed` together. */
  private async move(manager: EntityManager, request: ServiceRequest, to: RequestState, actor: Actor, reason: string | null, approvals: RequestApproval[] = []): Promise<void> {
    const before = toRequestSnapshot(request);
    const from = request.state;
    request.state = to;
    await this.touch(manager, request);
    if (from === RequestState.AwaitingApproval) {
      // Approvers who had not decided yet are told by their step that nothing is asked of them any more.
      await manager.update(RequestApproval, { requestId: request.id, decision: ApprovalDecision.Pending }, { decision: ApprovalDecision.NoLongerRequired, version: () => 'version + 1' });
      for (const step of approvals.filter((s) => s.decision === ApprovalDecision.Pending)) Object.assign(step, { decision: ApprovalDecision.NoLongerRequired, version: step.version + 1 });
    }
    const after = toRequestSnapshot(request);
    await this.outbox.publish(
      manager,
      RequestEvents.stateChanged,
      { ...eventBase(request), from, to, changedBy: actor.sub, reason, version: request.version },
      {
        subject: request.id,
        time: request.updatedAt,
        audit: { entityType: 'request', entityId: request.id, action: 'state_changed', actorId: actor.sub, before, after: reason === null ? after : { ...after, reason } },
      },
    );
  }

  /** Writes the request's state and moves its version on by one. */
  private async touch(manager: EntityManager, request: ServiceRequest): Promise<void> {
    request.version += 1;
    request.updatedAt = new Date();
    await manager.update(ServiceRequest, { id: request.id }, { state: request.state, version: request.version, updatedAt: request.updatedAt });
  }

  private newTask(manager: EntityManager, request: ServiceRequest, title: string, assignmentGroup: string, actor: Actor): FulfillmentTask {
    return manager.create(FulfillmentTask, {
      id: randomUUID(),
      requestId: request.id,
      title,
      assignmentGroup,
      state: FulfillmentTaskState.Open,
      createdBy: actor.sub,
      createdAt: new Date(),
      completedBy: null,
      completedAt: null,
      version: 1,
    });
  }

  private requireAgent(actor: Actor): void {
    if (!worksRequests(actor)) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents work on the tasks of a request');
  }

  private requireFulfillment(request: ServiceRequest, what: string): void {
    if (request.state !== RequestState.InFulfillment) {
      throw new DomainError(ErrorCode.CONFLICT, `you can only ${what} a request in fulfillment; ${request.number} is ${request.state}`, { state: request.state });
    }
  }

  private async view(manager: EntityManager, request: ServiceRequest, approvals?: RequestApproval[]): Promise<ServiceRequestView> {
    const steps = approvals ?? (await manager.find(RequestApproval, { where: { requestId: request.id }, order: { position: 'ASC' } }));
    const tasks = await manager.find(FulfillmentTask, { where: { requestId: request.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { ...toRequestSnapshot(request), approvals: steps.map(toApprovalView), tasks: tasks.map(toTaskView) };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  type Actor,
  type AddFulfillmentTaskCommand,
  type AddRequestCommentCommand,
  type ApprovalDecision,
  type ApprovalDecisionCommand,
  type CompleteFulfillmentTaskCommand,
  DEFAULT_PAGE_SIZE,
  FulfillmentTaskState,
  type ListRequestCommentsQuery,
  type ListServiceRequestsQuery,
  type RequestCommentPage,
  RequestCommentVisibility,
  type RequestCommentView,
  RequestError,
  RequestErrorCode,
  RequestState,
  type RequestTransitionCommand,
  type ServiceRequestPage,
  type ServiceRequestView,
  type SubmitServiceRequestCommand,
} from '@itsm/contracts';
import { claimIdempotencyKey, decodeTimeCursor, encodeTimeCursor, nextHumanNumber } from '@itsm/persistence';
import { approvalStepsFor, checkDecision, type DecisionRefusal, outcomeAfter } from '../domain/approval';
import { canSeeRequest, listedRequesterOf, mayWriteComment, moversOf, readsInternalComments } from '../domain/request-access';
import { checkRequestTransition } from '../domain/request-state';
import { CatalogService } from '../catalog/catalog.service';
import { FormSchemas } from '../catalog/form-schema';
import { FulfillmentTask, toTaskView } from './fulfillment-task.entity';
import { RequestApproval, toApprovalView } from './request-approval.entity';
import { RequestComment, toCommentView } from './request-comment.entity';
import { ServiceRequest, toRequestSnapshot } from './service-request.entity';
import { approvalStepsOf, requestNotFound, type RequestWithSteps, ServiceRequestWriter } from './service-request.writer';

/** Why an actor may not decide on a request, as the refusal they get. */
function decisionRefused(refusal: DecisionRefusal, request: ServiceRequest): RequestError {
  switch (refusal) {
    case 'own_request':
      return new RequestError(RequestErrorCode.OwnRequestDecision, `you submitted request ${request.number}; another approver must decide`);
    case 'not_approver':
      return new RequestError(RequestErrorCode.NotApprover, `you are not an approver of request ${request.number}`);
    case 'already_decided':
      return new RequestError(RequestErrorCode.AlreadyDecided, `you have already decided on request ${request.number}`);
    case 'not_awaiting_approval':
      return new RequestError(RequestErrorCode.NotAwaitingApproval, `request ${request.number} is ${request.state}: it no longer waits for approvals`, { state: request.state });
  }
}

function notInFulfillment(request: ServiceRequest, what: string): RequestError {
  return new RequestError(RequestErrorCode.NotInFulfillment, `you can only ${what} a request in fulfillment; ${request.number} is ${request.state}`, { state: request.state });
}

/**
 * Use cases of service requests. Every change locks the request row, checks `If-Match`, and writes the change,
 * its audit row and its events through the request's writer in one transaction; the request's version moves by
 * one per command.
 */
@Injectable()
export class RequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ServiceRequestWriter,
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
        throw new RequestError(RequestErrorCode.AnswersInvalid, `answers do not fit the form of "${item.name}": ${fields.join(', ')}`, { errors });
      }
      const steps = approvalStepsFor(item.approval, { managerId: actor.managerId ?? null });
      if (!steps.ok) {
        throw new RequestError(RequestErrorCode.ManagerMissing, `"${item.name}" needs the approval of the requester's manager, and the caller's token names no manager`, {
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
      await this.writer.submitted(manager, request, actor.sub);
      if (steps.steps.length === 0) {
        await this.writer.approved(manager, { request, approvals: [] }, actor.sub, null);
        return this.view(manager, request, []);
      }
      const approvals = await this.writer.approvalsRequested(manager, request, steps.steps, actor.sub);
      return this.view(manager, request, approvals);
    });
  }

  async get(id: string, actor: Actor): Promise<ServiceRequestView> {
    const { request, approvals } = await this.load(this.dataSource.manager, id, actor);
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
    const own = listedRequesterOf(actor);
    if (own !== null) builder.andWhere('r.requesterId = :me', { me: own });
    if (query.state) builder.andWhere('r.state = :state', { state: query.state });
    if (query.requester) builder.andWhere('r.requesterId = :requester', { requester: query.requester });
    if (query.item) builder.andWhere('r.itemId = :item', { item: query.item });
    if (query.cursor) {
      const { at, id } = decodeTimeCursor(query.cursor);
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
      nextCursor: rows.length > limit && last ? encodeTimeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * Moves a request through the transitions endpoint: fulfillment, closing and cancelation. Entering fulfillment
   * creates the first task, for the item's fulfillment group; it is fulfilled only when no task is open.
   */
  async transition(command: RequestTransitionCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const target = await this.writer.lockFor(manager, command.id, actor, command.expectedVersion);
      const { request } = target;
      const from = request.state;
      const check = checkRequestTransition(from, command.to, moversOf(actor, request));
      if (!check.ok) {
        const allowed = check.allowed.length > 0 ? `allowed: ${check.allowed.join(', ')}` : 'nothing is allowed to the caller';
        throw new RequestError(RequestErrorCode.InvalidTransition, `request ${request.number} cannot move from ${from} to ${command.to} (${allowed})`, {
          from,
          to: command.to,
          allowed: check.allowed,
        });
      }
      const change = { actorId: actor.sub, reason: command.reason ?? null };
      if (command.to === RequestState.InFulfillment) {
        const assignmentGroup = await this.catalog.fulfillmentGroupOf(manager, request.itemId);
        await this.writer.fulfillmentStarted(manager, target, { ...change, assignmentGroup });
      } else if (command.to === RequestState.Fulfilled) {
        const tasks = await this.tasksOf(manager, request.id);
        const open = tasks.filter((task) => task.state === FulfillmentTaskState.Open);
        if (open.length > 0) {
          throw new RequestError(RequestErrorCode.OpenTasksRemain, `request ${request.number} still has open tasks: ${open.map((task) => `"${task.title}"`).join(', ')}`, {
            openTasks: open.map((task) => ({ id: task.id, title: task.title, assignmentGroup: task.assignmentGroup })),
          });
        }
        await this.writer.fulfilled(manager, target, { ...change, tasksCompleted: tasks.length });
      } else {
        await this.writer.moved(manager, target, command.to, change);
      }
      return this.view(manager, request, target.approvals);
    });
  }

  /**
   * One approver's decision. A manager's or a group's settles the request; with n of m it is approved at the
   * n-th approval and rejected as soon as the approvers left cannot bring the approvals up to n.
   */
  async decide(command: ApprovalDecisionCommand, decision: ApprovalDecision.Approved | ApprovalDecision.Rejected, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const target = await this.writer.lockFor(manager, command.id, actor, command.expectedVersion);
      const { request, approvals } = target;
      const check = checkDecision(request, approvals, actor);
      if (!check.ok) throw decisionRefused(check.refusal, request);
      const outcome = outcomeAfter(request.approval, approvals, check.index, decision);
      await this.writer.decided(manager, target, check.index, { decision, actorId: actor.sub, comment: command.comment ?? null, outcome });
      return this.view(manager, request, approvals);
    });
  }

  async addTask(command: AddFulfillmentTaskCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.writer.lockFor(manager, command.id, actor, command.expectedVersion);
      if (request.state !== RequestState.InFulfillment) throw notInFulfillment(request, 'add tasks to');
      await this.writer.taskAdded(manager, request, { title: command.title, assignmentGroup: command.assignmentGroup }, actor.sub);
      return this.view(manager, request, approvals);
    });
  }

  async completeTask(command: CompleteFulfillmentTaskCommand, actor: Actor): Promise<ServiceRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const { request, approvals } = await this.writer.lockFor(manager, command.id, actor, command.expectedVersion);
      const task = await manager.findOneBy(FulfillmentTask, { id: command.taskId, requestId: request.id });
      if (!task) throw new RequestError(RequestErrorCode.TaskNotFound, `request ${request.number} has no task ${command.taskId}`);
      if (task.state === FulfillmentTaskState.Completed) throw new RequestError(RequestErrorCode.TaskAlreadyCompleted, `task "${task.title}" is already completed`);
      if (request.state !== RequestState.InFulfillment) throw notInFulfillment(request, 'complete tasks of');
      await this.writer.taskCompleted(manager, request, task, actor.sub);
      return this.view(manager, request, approvals);
    });
  }

  /** Anyone who sees the request may comment publicly; internal comments are for agents. */
  async addComment(command: AddRequestCommentCommand, actor: Actor): Promise<RequestCommentView> {
    return this.dataSource.transaction(async (manager) => {
      const { request } = await this.load(manager, command.id, actor);
      const visibility = command.visibility ?? RequestCommentVisibility.Public;
      if (!mayWriteComment(actor, visibility)) throw new RequestError(RequestErrorCode.InternalCommentAgentsOnly, 'only agents write internal comments');
      return toCommentView(await this.writer.commented(manager, request, { body: command.body, visibility, author: actor }));
    });
  }

  /** Oldest first; requesters and approvers never get internal comments. */
  async listComments(query: ListRequestCommentsQuery, actor: Actor): Promise<RequestCommentPage> {
    const { request } = await this.load(this.dataSource.manager, query.id, actor);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource
      .getRepository(RequestComment)
      .createQueryBuilder('c')
      .where('c.requestId = :id', { id: request.id })
      .orderBy('c.createdAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit + 1);
    if (!readsInternalComments(actor)) builder.andWhere('c.visibility = :public', { public: RequestCommentVisibility.Public });
    if (query.cursor) {
      const { at, id } = decodeTimeCursor(query.cursor);
      builder.andWhere('(c.createdAt, c.id) > (CAST(:at AS timestamptz), CAST(:after AS uuid))', { at, after: id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toCommentView), nextCursor: rows.length > limit && last ? encodeTimeCursor(last.createdAt, last.id) : null };
  }

  /**
   * The request and its approval steps, if the actor may see it: agents see all, requesters their own,
   * approvers those they are asked to decide. Anything else looks like it does not exist.
   */
  private async load(manager: EntityManager, id: string, actor: Actor): Promise<RequestWithSteps> {
    const request = await manager.findOneBy(ServiceRequest, { id });
    if (!request) throw requestNotFound(id);
    const approvals = await approvalStepsOf(manager, id);
    if (!canSeeRequest(actor, request, approvals)) throw requestNotFound(id);
    return { request, approvals };
  }

  private tasksOf(manager: EntityManager, requestId: string): Promise<FulfillmentTask[]> {
    return manager.find(FulfillmentTask, { where: { requestId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  private async view(manager: EntityManager, request: ServiceRequest, approvals?: RequestApproval[]): Promise<ServiceRequestView> {
    const steps = approvals ?? (await approvalStepsOf(manager, request.id));
    const tasks = await this.tasksOf(manager, request.id);
    return { ...toRequestSnapshot(request), approvals: steps.map(toApprovalView), tasks: tasks.map(toTaskView) };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type Actor,
  ApprovalDecision,
  FulfillmentTaskState,
  RequestCommentVisibility,
  RequestError,
  RequestErrorCode,
  RequestEvents,
  RequestState,
  type ServiceRequestSnapshot,
} from '@itsm/contracts';
import { type EventSpec, eventOf, RecordWriter, writeAudit } from '@itsm/messaging';
import { type ApprovalOutcome, requiredApprovals } from '../domain/approval';
import { canSeeRequest } from '../domain/request-access';
import { FulfillmentTask, toTaskView } from './fulfillment-task.entity';
import { RequestApproval, toApprovalView } from './request-approval.entity';
import { RequestComment } from './request-comment.entity';
import { ServiceRequest, toRequestSnapshot } from './service-request.entity';

/** A request with its approval steps, in position order. */
export interface RequestWithSteps {
  request: ServiceRequest;
  approvals: RequestApproval[];
}

/** What a requester or an agent who may not see a request is told: exactly what they would be told if it did not exist. */
export function requestNotFound(id: string): RequestError {
  return new RequestError(RequestErrorCode.NotFound, `request ${id} not found`);
}

/** The approval steps of a request, in the order the item lists its approvers. */
export function approvalStepsOf(manager: EntityManager, requestId: string): Promise<RequestApproval[]> {
  return manager.find(RequestApproval, { where: { requestId }, order: { position: 'ASC' } });
}

function eventBase(request: ServiceRequest): { requestId: string; number: string; itemId: string; requesterId: string; requesterGroups: string[] } {
  return { requestId: request.id, number: request.number, itemId: request.itemId, requesterId: request.requesterId, requesterGroups: request.requesterGroups };
}

/**
 * Every change of a service request, its approval steps, tasks and comments. Each command moves the request's
 * version by one (a comment leaves it alone); a move of the state machine writes its `state_changed` audit row
 * and `request_state_changed`, followed by the events the move announces; changes of a step or a task keep an
 * audit row of their own under the request.
 */
@Injectable()
export class ServiceRequestWriter extends RecordWriter<ServiceRequest, ServiceRequestSnapshot> {
  protected readonly entity = ServiceRequest;
  protected readonly entityType = 'request';

  toView(row: ServiceRequest): ServiceRequestSnapshot {
    return toRequestSnapshot(row);
  }

  protected label(row: ServiceRequest): string {
    return `request ${row.number}`;
  }

  protected notFound(id: string): RequestError {
    return requestNotFound(id);
  }

  /**
   * The request, locked until the transaction ends, with its approval steps as they stand under that lock. One the
   * actor may not see is not found; an `expectedVersion` it has moved on from is refused.
   */
  async lockFor(manager: EntityManager, id: string, actor: Actor, expectedVersion?: number | null): Promise<RequestWithSteps> {
    // Who approves a request is fixed at submission (only the decisions change), so the steps read before the
    // lock decide whether the actor sees it; the decisions are read again under the lock.
    const approvers = await approvalStepsOf(manager, id);
    const request = await this.lock(manager, id, { expectedVersion: expectedVersion ?? undefined, visible: (row) => canSeeRequest(actor, row, approvers) });
    return { request, approvals: await approvalStepsOf(manager, id) };
  }

  /** A new request, `submitted`: its row, the `submitted` audit row, `request_submitted` and the first `request_state_changed`. */
  async submitted(manager: EntityManager, request: ServiceRequest, actorId: string): Promise<void> {
    await this.insert(manager, request, {
      actorId,
      action: 'submitted',
      events: (after) => [
        eventOf(RequestEvents.submitted, after),
        eventOf(RequestEvents.stateChanged, { ...eventBase(request), from: null, to: RequestState.Submitted, changedBy: actorId, reason: null, version: after.version }),
      ],
    });
  }

  /** A new request goes to its approvers: one step each, `awaiting_approval`, and `request_approval_requested` per step. */
  async approvalsRequested(manager: EntityManager, request: ServiceRequest, steps: Array<Pick<RequestApproval, 'approverId' | 'group'>>, actorId: string): Promise<RequestApproval[]> {
    const now = new Date();
    const approvals = steps.map((step, position) =>
      manager.create(RequestApproval, {
        id: randomUUID(),
        requestId: request.id,
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
    await this.move(manager, { request, approvals }, RequestState.AwaitingApproval, actorId, null, () =>
      approvals.map((step) =>
        eventOf(RequestEvents.approvalRequested, {
          ...eventBase(request),
          approvalId: step.id,
          approvalType: request.approval.type,
          approverId: step.approverId,
          group: step.group,
          required: requiredApprovals(request.approval),
          itemName: request.itemName,
        }),
      ),
    );
    return approvals;
  }

  /**
   * One approver's decision on their step (its own audit row, `approval_<decision>`), and what it leads to:
   * `approved` or `rejected` with their event when it settles the request, else only the request's version moves.
   */
  async decided(
    manager: EntityManager,
    target: RequestWithSteps,
    index: number,
    change: { decision: ApprovalDecision.Approved | ApprovalDecision.Rejected; actorId: string; comment: string | null; outcome: ApprovalOutcome },
  ): Promise<void> {
    const { request, approvals } = target;
    const step = approvals[index];
    if (!step) throw new Error(`request ${request.number} has no approval step ${index}`);
    const before = toApprovalView(step);
    Object.assign(step, { decision: change.decision, decidedBy: change.actorId, decidedAt: new Date(), comment: change.comment, version: step.version + 1 });
    await manager.update(
      RequestApproval,
      { id: step.id },
      { decision: step.decision, decidedBy: step.decidedBy, decidedAt: step.decidedAt, comment: step.comment, version: step.version },
    );
    await writeAudit(manager, { entityType: this.entityType, entityId: request.id, action: `approval_${change.decision}`, actorId: change.actorId, before, after: toApprovalView(step) });
    if (change.outcome === 'approved') await this.approved(manager, target, change.actorId, change.comment);
    else if (change.outcome === 'rejected') await this.rejected(manager, target, change.actorId, change.comment);
    else await this.bump(manager, request);
  }

  /** `approved`, announced by `request_approved` with who approved (nobody, for an item that needs no approval). */
  async approved(manager: EntityManager, target: RequestWithSteps, actorId: string, reason: string | null): Promise<void> {
    const { request, approvals } = target;
    await this.move(manager, target, RequestState.Approved, actorId, reason, () => [
      eventOf(RequestEvents.approved, {
        ...eventBase(request),
        approvalType: request.approval.type,
        approvedBy: approvals.filter((step) => step.decision === ApprovalDecision.Approved).map((step) => step.decidedBy ?? ''),
        required: requiredApprovals(request.approval),
      }),
    ]);
  }

  /** `rejected`, announced by `request_rejected` with the approvals and rejections counted. */
  private async rejected(manager: EntityManager, target: RequestWithSteps, actorId: string, comment: string | null): Promise<void> {
    const { request, approvals } = target;
    const approvalsCount = approvals.filter((step) => step.decision === ApprovalDecision.Approved).length;
    const rejections = approvals.filter((step) => step.decision === ApprovalDecision.Rejected).length;
    await this.move(manager, target, RequestState.Rejected, actorId, comment, () => [
      eventOf(RequestEvents.rejected, {
        ...eventBase(request),
        approvalType: request.approval.type,
        rejectedBy: actorId,
        comment,
        approvals: approvalsCount,
        rejections,
        required: requiredApprovals(request.approval),
      }),
    ]);
  }

  /** `in_fulfillment`, with the first task: delivering the item, for its fulfillment group. */
  async fulfillmentStarted(manager: EntityManager, target: RequestWithSteps, change: { actorId: string; reason: string | null; assignmentGroup: string }): Promise<void> {
    const { request } = target;
    await this.move(manager, target, RequestState.InFulfillment, change.actorId, change.reason);
    await manager.insert(FulfillmentTask, this.newTask(manager, request, `Deliver "${request.itemName}"`, change.assignmentGroup, change.actorId));
  }

  /** `fulfilled`, announced by `request_fulfilled` with the number of tasks it took. */
  async fulfilled(manager: EntityManager, target: RequestWithSteps, change: { actorId: string; reason: string | null; tasksCompleted: number }): Promise<void> {
    await this.move(manager, target, RequestState.Fulfilled, change.actorId, change.reason, () => [
      eventOf(RequestEvents.fulfilled, { ...eventBase(target.request), fulfilledBy: change.actorId, tasksCompleted: change.tasksCompleted }),
    ]);
  }

  /** A move that announces nothing beyond `request_state_changed` (canceling, closing). */
  async moved(manager: EntityManager, target: RequestWithSteps, to: RequestState, change: { actorId: string; reason: string | null }): Promise<void> {
    await this.move(manager, target, to, change.actorId, change.reason);
  }

  /** Another task of a request in fulfillment (audit row `task_added`). */
  async taskAdded(manager: EntityManager, request: ServiceRequest, task: { title: string; assignmentGroup: string }, actorId: string): Promise<void> {
    const row = this.newTask(manager, request, task.title, task.assignmentGroup, actorId);
    await manager.insert(FulfillmentTask, row);
    await this.bump(manager, request);
    await writeAudit(manager, { entityType: this.entityType, entityId: request.id, action: 'task_added', actorId, before: null, after: toTaskView(row) });
  }

  /** A task done (audit row `task_completed` with the task before and after). */
  async taskCompleted(manager: EntityManager, request: ServiceRequest, task: FulfillmentTask, actorId: string): Promise<void> {
    const before = toTaskView(task);
    Object.assign(task, { state: FulfillmentTaskState.Completed, completedBy: actorId, completedAt: new Date(), version: task.version + 1 });
    await manager.update(FulfillmentTask, { id: task.id }, { state: task.state, completedBy: task.completedBy, completedAt: task.completedAt, version: task.version });
    await this.bump(manager, request);
    await writeAudit(manager, { entityType: this.entityType, entityId: request.id, action: 'task_completed', actorId, before, after: toTaskView(task) });
  }

  /** A comment on a request (audit row `commented`); the request itself does not change. */
  async commented(manager: EntityManager, request: ServiceRequest, comment: { body: string; visibility: RequestCommentVisibility; author: Actor }): Promise<RequestComment> {
    const row = manager.create(RequestComment, {
      id: randomUUID(),
      requestId: request.id,
      authorId: comment.author.sub,
      authorName: comment.author.name ?? null,
      body: comment.body,
      visibility: comment.visibility,
      createdAt: new Date(),
      version: 1,
    });
    await manager.insert(RequestComment, row);
    await writeAudit(manager, {
      entityType: this.entityType,
      entityId: request.id,
      action: 'commented',
      actorId: comment.author.sub,
      before: null,
      after: { commentId: row.id, visibility: row.visibility },
    });
    return row;
  }

  /**
   * Moves the request to `to`: the row, the audit row `state_changed` (with the reason, when given) and
   * `request_state_changed`, then the events the move announces. Leaving `awaiting_approval`, the steps nobody
   * decided become no longer required, so their approvers know nothing is asked of them any more.
   */
  private async move(manager: EntityManager, target: RequestWithSteps, to: RequestState, actorId: string, reason: string | null, announces?: () => EventSpec[]): Promise<void> {
    const { request, approvals } = target;
    const before = this.toView(request);
    const from = request.state;
    request.state = to;
    if (from === RequestState.AwaitingApproval) {
      await manager.update(RequestApproval, { requestId: request.id, decision: ApprovalDecision.Pending }, { decision: ApprovalDecision.NoLongerRequired, version: () => 'version + 1' });
      for (const step of approvals.filter((s) => s.decision === ApprovalDecision.Pending)) Object.assign(step, { decision: ApprovalDecision.NoLongerRequired, version: step.version + 1 });
    }
    await this.save(manager, request, before, {
      actorId,
      action: 'state_changed',
      ...(reason === null ? {} : { auditAfter: (after: ServiceRequestSnapshot) => ({ ...after, reason }) }),
      events: (after) => [
        eventOf(RequestEvents.stateChanged, { ...eventBase(request), from, to, changedBy: actorId, reason, version: after.version }),
        ...(announces?.() ?? []),
      ],
    });
  }

  /** A change of a step or a task: the request's version moves on by one, with no audit row of the request's own. */
  private async bump(manager: EntityManager, request: ServiceRequest): Promise<void> {
    request.version += 1;
    request.updatedAt = new Date();
    await manager.update(ServiceRequest, { id: request.id }, { version: request.version, updatedAt: request.updatedAt });
  }

  private newTask(manager: EntityManager, request: ServiceRequest, title: string, assignmentGroup: string, actorId: string): FulfillmentTask {
    return manager.create(FulfillmentTask, {
      id: randomUUID(),
      requestId: request.id,
      title,
      assignmentGroup,
      state: FulfillmentTaskState.Open,
      createdBy: actorId,
      createdAt: new Date(),
      completedBy: null,
      completedAt: null,
      version: 1,
    });
  }
}

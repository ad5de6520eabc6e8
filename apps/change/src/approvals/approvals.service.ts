import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type ChangeApproval,
  ChangeApprovalState,
  ChangeError,
  ChangeErrorCode,
  ChangeEvents,
  ChangeState,
  type ChangeView,
  type ChangeVoteRequest,
  type DelegateApprovalRequest,
  RiskLevel,
} from '@itsm/contracts';
import { type EventSpec, eventOf } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { ChangeConfig } from '../config';
import { type Change, toChangeView } from '../changes/change.entity';
import { ChangeWriter } from '../changes/change.writer';
import {
  type Approval,
  type ApprovalCheck,
  type ApprovalPolicies,
  approvalRefusalError,
  castVote,
  DEFAULT_APPROVAL_POLICIES,
  delegate,
  parseApprovalPolicies,
  policyFor,
  requestApproval,
} from '../domain/approval';
import { moveOnApprovalDecision } from '../domain/change-lifecycle';
import { ScheduleService } from '../schedule/schedule.service';

/**
 * Approvals of changes: who must approve a change (the policy for its type and risk level, CHANGE_APPROVAL_POLICIES),
 * votes and delegations. The vote that decides the approval moves the change: back to new when it rejects, on to
 * scheduled when it approves and the schedule check finds the window clear (else the change waits in authorize,
 * approved, with its conflicts).
 */
@Injectable()
export class ApprovalsService {
  private readonly policies: ApprovalPolicies;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: ChangeConfig,
    private readonly writer: ChangeWriter,
    private readonly schedule: ScheduleService,
  ) {
    this.policies = config.CHANGE_APPROVAL_POLICIES === '' ? DEFAULT_APPROVAL_POLICIES : parseApprovalPolicies(config.CHANGE_APPROVAL_POLICIES);
  }

  /**
   * The approval a change moving to authorize asks for: a pending one by the policy for its type and risk level
   * (a change not yet assessed counts as low risk), or null for a standard change, which needs none.
   */
  requestFor(change: Pick<Change, 'type' | 'riskLevel'>, at: Date): ChangeApproval | null {
    const policy = policyFor(change.type, change.riskLevel ?? RiskLevel.Low, this.policies);
    return policy ? (requestApproval(policy, at) as ChangeApproval) : null;
  }

  /**
   * Records a vote by the caller (or, for a delegator, by their delegate). When it decides the approval the change
   * moves in the same version: rejected → new (the vote's comment kept as the reason; event rejected); approved →
   * events approved, then scheduled or conflict_detected.
   */
  async vote(request: ChangeVoteRequest, actor: Actor): Promise<ChangeView> {
    return this.dataSource.transaction(async (manager) => {
      const change = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const now = new Date();
      const approval = this.awaitingApproval(change);
      const check = castVote(approval, {
        approverId: actor.sub,
        roles: actor.roles,
        decision: request.decision,
        ...(request.comment === undefined ? {} : { comment: request.comment }),
        at: now,
      });
      const decided = this.accepted(check);
      const before = toChangeView(change);
      change.approval = decided;
      const events = await this.decide(manager, change, actor, request.comment ?? null);
      return this.writer.save(manager, change, before, {
        actorId: actor.sub,
        action: 'approval_voted',
        time: now,
        events,
      });
    });
  }

  /** Hands the caller's vote to another user, who may then vote once on the caller's behalf. */
  async delegate(request: DelegateApprovalRequest, actor: Actor): Promise<ChangeView> {
    return this.dataSource.transaction(async (manager) => {
      const change = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const now = new Date();
      const approval = this.awaitingApproval(change);
      const check = delegate(approval, { from: actor.sub, fromRoles: actor.roles, to: request.to, at: now });
      const before = toChangeView(change);
      change.approval = this.accepted(check);
      return this.writer.save(manager, change, before, { actorId: actor.sub, action: 'approval_delegated', time: now });
    });
  }

  /** The approval of a change in authorize; anything else takes no votes (409 `CHANGE_NOT_AWAITING_APPROVAL`). */
  private awaitingApproval(change: Change): Approval {
    if (change.state !== ChangeState.Authorize || change.approval === null) {
      throw new ChangeError(ChangeErrorCode.NotAwaitingApproval, `change ${change.number} is ${change.state}; only a change in authorize takes votes and delegations`, {
        state: change.state,
      });
    }
    return change.approval as Approval;
  }

  private accepted(check: ApprovalCheck): ChangeApproval {
    if (!check.ok) throw approvalRefusalError(check.refusal);
    return check.approval as ChangeApproval;
  }

  /** Moves a change whose approval was just decided, and says which events announce it (none while pending). */
  private async decide(manager: EntityManager, change: Change, actor: Actor, comment: string | null): Promise<(after: ChangeView) => EventSpec[]> {
    const state = (change.approval as ChangeApproval).state;
    if (state === ChangeApprovalState.Pending) return () => [];
    if (state === ChangeApprovalState.Rejected) {
      change.state = moveOnApprovalDecision(state, false) ?? ChangeState.New;
      change.cancelReason = comment;
      return (after) => [eventOf(ChangeEvents.rejected, { change: after, rejectedBy: actor.sub, comment })];
    }
    const conflicts = await this.schedule.check(manager, change);
    change.conflicts = conflicts;
    const to = moveOnApprovalDecision(state, conflicts.length > 0);
    if (to === ChangeState.Scheduled) {
      change.state = to;
      return (after) => [eventOf(ChangeEvents.approved, { change: after }), eventOf(ChangeEvents.scheduled, { change: after })];
    }
    return (after) => [eventOf(ChangeEvents.approved, { change: after }), eventOf(ChangeEvents.conflictDetected, { change: after, conflicts: after.conflicts })];
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type ChangeApproval,
  type ChangeConflict,
  ChangeError,
  ChangeErrorCode,
  ChangeEvents,
  type ChangeRisk,
  ChangeState,
  ChangeType,
  type ChangeView,
  type ConflictOverride,
  type TransitionChangeRequest,
} from '@itsm/contracts';
import { type EventSpec, eventOf } from '@itsm/messaging';
import { ApprovalsService } from '../approvals/approvals.service';
import { type Change, toChangeView } from '../changes/change.entity';
import { ChangeWriter } from '../changes/change.writer';
import { type ChangeLifecycleSnapshot, changeTransitionRefusalError, checkTransition } from '../domain/change-lifecycle';
import { ScheduleService } from '../schedule/schedule.service';
import { ChangeRiskService } from './risk.service';

/** What a move did beyond the columns `checkTransition` sets, for its events. */
interface MoveEffects {
  risk?: ChangeRisk;
  approval?: ChangeApproval;
}

@Injectable()
export class TransitionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ChangeWriter,
    private readonly risk: ChangeRiskService,
    private readonly approvals: ApprovalsService,
    private readonly schedule: ScheduleService,
  ) {}

  /**
   * Moves a change to another state (the rules, and who may reject or override, are `checkTransition`'s). The move to
   * assess assesses the risk; to authorize requests approval by the policy for the type and risk; to scheduled runs
   * the schedule check, whose conflicts refuse the move (409 `CHANGE_SCHEDULE_CONFLICT` listing them) unless a manager
   * overrides them with a reason. The row, its audit entry and its events commit together.
   */
  async transition(request: TransitionChangeRequest, actor: Actor): Promise<ChangeView> {
    const input = request.transition;
    return this.dataSource.transaction(async (manager) => {
      const change = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const now = new Date();
      const check = checkTransition(snapshotOf(change), input, actor.roles, now);
      if (!check.ok) throw changeTransitionRefusalError(check.refusal);
      const before = toChangeView(change);
      Object.assign(change, check.changes);
      const effects: MoveEffects = {};
      switch (change.state) {
        case ChangeState.Assess:
          // A change sent back by a rejection starts over: the old reason no longer stands.
          change.cancelReason = null;
          effects.risk = await this.risk.assess(manager, change);
          break;
        case ChangeState.Authorize: {
          const approval = this.approvals.requestFor(change, now);
          change.approval = approval;
          change.conflicts = [];
          change.conflictOverride = null;
          if (approval) effects.approval = approval;
          break;
        }
        case ChangeState.Scheduled:
          await this.scheduleChecked(manager, change, input.override, actor, now);
          break;
        default:
          break;
      }
      return this.writer.save(manager, change, before, {
        actorId: actor.sub,
        action: 'state_changed',
        time: now,
        auditAfter: (after) => (input.reason ? { ...after, reason: input.reason } : after),
        events: (after) => this.stateEvents(after, effects, actor, input.reason),
      });
    });
  }

  /**
   * The schedule check of a move to scheduled: a clear window clears any earlier override; conflicts are refused
   * unless a manager overrides them (`checkTransition` let only a manager send an override, with a reason).
   */
  private async scheduleChecked(manager: EntityManager, change: Change, override: { reason: string } | undefined, actor: Actor, now: Date): Promise<void> {
    // A standard change was never assessed: its impact set is taken now, for the check and for later ones.
    if (change.type === ChangeType.Standard) await this.risk.reassess(manager, change);
    const conflicts = await this.schedule.check(manager, change);
    change.conflicts = conflicts;
    if (conflicts.length === 0) {
      change.conflictOverride = null;
      return;
    }
    if (!override) throw scheduleConflictError(change, conflicts);
    const record: ConflictOverride = { reason: override.reason.trim(), by: actor.sub, at: now.toISOString() };
    change.conflictOverride = record;
  }

  /** The event of the state reached, with what the move computed. */
  private stateEvents(after: ChangeView, effects: MoveEffects, actor: Actor, reason: string | undefined): EventSpec[] {
    switch (after.state) {
      case ChangeState.Assess:
        return effects.risk ? [eventOf(ChangeEvents.riskAssessed, { change: after, risk: effects.risk })] : [];
      case ChangeState.Authorize:
        return effects.approval ? [eventOf(ChangeEvents.approvalRequested, { change: after, approval: effects.approval })] : [];
      case ChangeState.Scheduled:
        return [eventOf(ChangeEvents.scheduled, { change: after })];
      case ChangeState.Implement:
        return [eventOf(ChangeEvents.implementationStarted, { change: after })];
      case ChangeState.Review:
        return after.outcome ? [eventOf(ChangeEvents.implemented, { change: after, outcome: after.outcome })] : [];
      case ChangeState.Closed:
        return [eventOf(ChangeEvents.closed, { change: after })];
      case ChangeState.Canceled:
        return [eventOf(ChangeEvents.canceled, { change: after, reason: after.cancelReason ?? reason ?? '' })];
      case ChangeState.Rejected:
        return [eventOf(ChangeEvents.rejected, { change: after, rejectedBy: actor.sub, comment: after.cancelReason ?? reason ?? null })];
      default:
        return [];
    }
  }
}

function snapshotOf(change: Change): ChangeLifecycleSnapshot {
  return {
    type: change.type,
    state: change.state,
    plannedStart: change.plannedStart,
    plannedEnd: change.plannedEnd,
    approvalState: (change.approval as ChangeApproval | null)?.state ?? null,
  };
}

/** 409 `CHANGE_SCHEDULE_CONFLICT`: what stands in the window's way, each by kind and name. */
function scheduleConflictError(change: Change, conflicts: ChangeConflict[]): ChangeError {
  const named = conflicts.map((conflict) => `${conflict.kind} ${conflict.name}`).join(', ');
  return new ChangeError(ChangeErrorCode.ScheduleConflict, `change ${change.number} cannot be scheduled: its window conflicts with ${named}`, { conflicts });
}

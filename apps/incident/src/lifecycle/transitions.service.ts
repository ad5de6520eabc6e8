import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { type Actor, IncidentError, IncidentErrorCode, IncidentEvents, IncidentState, type IncidentView, type ResolutionCode, type TransitionIncidentRequest } from '@itsm/contracts';
import { type EventSpec, eventOf, SYSTEM_ACTOR } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { IncidentConfig } from '../config';
import { canSee, isAgent, visibleTo } from '../domain/access';
import { type LifecyclePatch, OPEN_STATES, planTransition, resolvedElsewhere } from '../domain/incident-lifecycle';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentWriter } from '../incidents/incident.writer';

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class TransitionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: IncidentWriter,
    @Inject(SERVICE_CONFIG) private readonly config: IncidentConfig,
  ) {}

  /**
   * Moves an incident to another state. Resolving a parent resolves its open children with the same
   * resolution; merging closes a duplicate into an open incident.
   */
  async transition(request: TransitionIncidentRequest, actor: Actor): Promise<IncidentView> {
    const input = request.transition;
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion, visible: visibleTo(actor) });
      const now = new Date();
      const plan = planTransition(incident, input, { asCaller: !isAgent(actor), now, reopenWindowMs: this.config.INCIDENT_REOPEN_WINDOW_DAYS * DAY_MS });
      let target: Incident | undefined;
      if (input.to === IncidentState.Merged && input.into) target = await this.lockMergeTarget(manager, incident, input.into, actor);
      const before = toIncidentView(incident);
      Object.assign(incident, plan.patch);
      if (input.to === IncidentState.InProgress && isAgent(actor) && !incident.respondedAt) incident.respondedAt = now;
      const reason = input.reason ?? (target ? `duplicate of ${target.number}` : undefined);
      const view = await this.writer.save(manager, incident, before, {
        actorId: actor.sub,
        action: 'state_changed',
        events: (after) => this.stateEvents(before, after, reason, { reopened: plan.reopened, automatic: false }),
      });
      if (target) await this.recordMergeOnTarget(manager, target, incident, actor);
      if (input.to === IncidentState.Resolved) await this.resolveChildren(manager, incident, plan.patch, actor.sub);
      return view;
    });
  }

  /**
   * Resolves an open incident, locked in the caller's transaction, as the system because what it reported was fixed
   * elsewhere (its problem's permanent fix); its open children are resolved with it, as in a person's resolution.
   */
  async resolveBySystem(manager: EntityManager, incident: Incident, resolution: { resolutionCode: ResolutionCode; resolutionNotes: string }, reason: string): Promise<IncidentView> {
    const patch = resolvedElsewhere(incident, resolution, new Date());
    const before = toIncidentView(incident);
    Object.assign(incident, patch);
    const view = await this.writer.save(manager, incident, before, {
      actorId: SYSTEM_ACTOR,
      action: 'state_changed',
      events: (after) => this.stateEvents(before, after, reason, { reopened: false, automatic: true }),
    });
    await this.resolveChildren(manager, incident, patch, SYSTEM_ACTOR);
    return view;
  }

  /** state_changed, plus reopened or closed where the move is one. */
  stateEvents(before: IncidentView, after: IncidentView, reason: string | undefined, options: { reopened: boolean; automatic: boolean }): EventSpec[] {
    return [
      eventOf(IncidentEvents.stateChanged, { incident: after, from: before.state, to: after.state, ...(reason ? { reason } : {}) }),
      ...(options.reopened && reason ? [eventOf(IncidentEvents.reopened, { incident: after, reason })] : []),
      ...(after.state === IncidentState.Closed ? [eventOf(IncidentEvents.closed, { incident: after, automatic: options.automatic })] : []),
    ];
  }

  private async lockMergeTarget(manager: EntityManager, incident: Incident, targetId: string, actor: Actor): Promise<Incident> {
    const field = (message: string) => ({ errors: [{ field: 'into', message }] });
    if (targetId === incident.id) throw new IncidentError(IncidentErrorCode.MergeIntoItself, 'an incident cannot be merged into itself', field('an incident cannot be merged into itself'));
    const target = await manager.findOne(Incident, { where: { id: targetId }, lock: { mode: 'pessimistic_write' } });
    if (!target || !canSee(actor, target)) {
      throw new IncidentError(IncidentErrorCode.MergeTargetNotFound, `incident ${targetId} to merge into not found`, field('no such incident'));
    }
    if (!OPEN_STATES.includes(target.state)) {
      const message = `incident ${target.number} is ${target.state}; merge only into an open incident`;
      throw new IncidentError(IncidentErrorCode.MergeTargetNotOpen, message, field(message));
    }
    return target;
  }

  /** The surviving incident's history shows what was merged into it. */
  private async recordMergeOnTarget(manager: EntityManager, target: Incident, duplicate: Incident, actor: Actor): Promise<void> {
    await this.writer.recordOn(manager, target.id, {
      actorId: actor.sub,
      action: 'duplicate_merged',
      after: { duplicate: { id: duplicate.id, number: duplicate.number, title: duplicate.title, state: duplicate.state } },
    });
  }

  /** Open descendants of a resolved incident are resolved with it, each with its own audit row and events. */
  private async resolveChildren(manager: EntityManager, parent: Incident, patch: LifecyclePatch, actorId: string): Promise<void> {
    let parents = [parent];
    for (let depth = 0; parents.length > 0 && depth < 20; depth += 1) {
      const children = await manager.find(Incident, {
        where: { parentId: In(parents.map((p) => p.id)), state: In([...OPEN_STATES]) },
        lock: { mode: 'pessimistic_write' },
        order: { id: 'ASC' },
      });
      for (const child of children) {
        const before = toIncidentView(child);
        const from = parents.find((p) => p.id === child.parentId);
        Object.assign(child, { ...patch, state: IncidentState.Resolved, holdReason: null });
        await this.writer.save(manager, child, before, {
          actorId,
          action: 'state_changed',
          events: (after) => this.stateEvents(before, after, `resolved with parent ${from?.number ?? ''}`.trim(), { reopened: false, automatic: false }),
        });
      }
      parents = children;
    }
  }
}

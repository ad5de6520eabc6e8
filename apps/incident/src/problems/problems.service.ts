import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { CommentVisibility, IncidentEvents, ProblemResolutionCode, type ProblemResolvedV1, type ProblemView, ResolutionCode } from '@itsm/contracts';
import { eventOf, SYSTEM_ACTOR } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { IncidentConfig } from '../config';
import { IncidentComment } from '../comments/comment.entity';
import { CommentsService } from '../comments/comments.service';
import { OPEN_STATES } from '../domain/incident-lifecycle';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentWriter } from '../incidents/incident.writer';
import { TransitionsService } from '../lifecycle/transitions.service';

/**
 * What the problem service's events do to incidents, each in the transaction of the event's inbox row: `problemId`
 * follows the problem's links, and a problem's resolution reaches its open incidents. Each use case changes nothing
 * when applied a second time.
 */
@Injectable()
export class ProblemsService {
  constructor(
    private readonly writer: IncidentWriter,
    private readonly comments: CommentsService,
    private readonly transitions: TransitionsService,
    @Inject(SERVICE_CONFIG) private readonly config: IncidentConfig,
  ) {}

  /** The incident now points to the problem, whatever its state: the link is the problem's, the incident mirrors it. */
  async linked(manager: EntityManager, problem: ProblemView, incidentId: string): Promise<void> {
    const incident = await lockIncident(manager, incidentId);
    if (!incident || incident.problemId === problem.id) return;
    await this.setProblem(manager, incident, problem.id);
  }

  /** Clears `problemId`, unless the incident has been linked to another problem since. */
  async unlinked(manager: EntityManager, problem: ProblemView, incidentId: string): Promise<void> {
    const incident = await lockIncident(manager, incidentId);
    if (!incident || incident.problemId !== problem.id) return;
    await this.setProblem(manager, incident, null);
  }

  /**
   * Every open incident of the problem gets the resolution as a public comment; with PROBLEM_RESOLVES_INCIDENTS and a
   * permanent fix it is also resolved. Incidents already resolved or final keep their own resolution.
   */
  async resolved(manager: EntityManager, resolution: ProblemResolvedV1): Promise<void> {
    const { problem } = resolution;
    if (problem.incidentIds.length === 0) return;
    // All rows locked at once, in id order, so that two transactions over overlapping incidents cannot deadlock.
    const incidents = await manager.find(Incident, { where: { id: In(problem.incidentIds) }, lock: { mode: 'pessimistic_write' }, order: { id: 'ASC' } });
    const open = incidents.filter((incident) => OPEN_STATES.includes(incident.state));
    const body = resolutionComment(resolution);
    for (const incident of open) {
      const commented = await manager.exists(IncidentComment, { where: { incidentId: incident.id, authorId: SYSTEM_ACTOR, body } });
      if (!commented) await this.comments.addBySystem(manager, incident, body, CommentVisibility.Public);
    }
    if (!this.config.PROBLEM_RESOLVES_INCIDENTS || resolution.resolutionCode !== ProblemResolutionCode.PermanentFix) return;
    for (const { id } of open) {
      // Read again: resolving one incident resolves its open children, which may be linked to the problem too.
      const incident = await lockIncident(manager, id);
      if (!incident || !OPEN_STATES.includes(incident.state)) continue;
      await this.transitions.resolveBySystem(
        manager,
        incident,
        { resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: resolution.resolution },
        `resolved with problem ${problem.number}`,
      );
    }
  }

  private async setProblem(manager: EntityManager, incident: Incident, problemId: string | null): Promise<void> {
    const before = toIncidentView(incident);
    incident.problemId = problemId;
    await this.writer.save(manager, incident, before, {
      actorId: SYSTEM_ACTOR,
      action: 'updated',
      events: (after) => [eventOf(IncidentEvents.updated, { incident: after, changes: [{ field: 'problemId', from: before.problemId, to: problemId }] })],
    });
  }
}

function lockIncident(manager: EntityManager, id: string): Promise<Incident | null> {
  return manager.findOne(Incident, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** `Problem PRB0001001 was resolved (permanent fix): <resolution>`; the same resolution gives the same text. */
function resolutionComment(resolution: Pick<ProblemResolvedV1, 'problem' | 'resolutionCode' | 'resolution'>): string {
  return `Problem ${resolution.problem.number} was resolved (${resolution.resolutionCode.replace(/_/g, ' ')}): ${resolution.resolution}`;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, KnownErrorState, type KnownErrorView, ProblemEvents, ProblemState, type ProblemView, type TransitionProblemRequest } from '@itsm/contracts';
import { type EventSpec, eventOf } from '@itsm/messaging';
import { checkTransition, PERMANENT_FIX_RETIRE_REASON, retiresKnownError, transitionRefusalError } from '../domain/problem-lifecycle';
import { KnownErrorsService } from '../known-errors/known-errors.service';
import { LinksService } from '../links/links.service';
import { toProblemView } from '../problems/problem.entity';
import { ProblemWriter } from '../problems/problem.writer';

@Injectable()
export class TransitionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ProblemWriter,
    private readonly knownErrors: KnownErrorsService,
    private readonly links: LinksService,
  ) {}

  /**
   * Moves a problem to another state (the rules, and who may cancel, are `checkTransition`'s). Closing a problem
   * resolved with a permanent fix retires its published known error in the same transaction and the same change
   * of the problem (one version, its events in order: state_changed, closed, known_error_retired).
   */
  async transition(request: TransitionProblemRequest, actor: Actor): Promise<ProblemView> {
    const input = request.transition;
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const now = new Date();
      const check = checkTransition(problem, input, actor.roles, now);
      if (!check.ok) throw transitionRefusalError(check.refusal);
      // Reopened, it holds its incidents again: none may have been linked to another open problem meanwhile.
      if (check.reopened) await this.links.assertNotHeldElsewhere(manager, problem, problem.incidentIds);
      const before = toProblemView(problem);
      Object.assign(problem, check.changes);
      let retired: KnownErrorView | undefined;
      if (retiresKnownError(problem) && problem.knownErrorId && problem.knownErrorState === KnownErrorState.Published) {
        retired = await this.knownErrors.retireWithin(manager, problem, problem.knownErrorId, { reason: PERMANENT_FIX_RETIRE_REASON, actorId: actor.sub, now });
      }
      return this.writer.save(manager, problem, before, {
        actorId: actor.sub,
        action: 'state_changed',
        time: now,
        auditAfter: (after) => (input.reason ? { ...after, reason: input.reason } : after),
        events: (after) => this.stateEvents(before, after, input.reason, retired),
      });
    });
  }

  /** state_changed, plus resolved or closed where the move is one, and known_error_retired when it retired one. */
  private stateEvents(before: ProblemView, after: ProblemView, reason: string | undefined, retired: KnownErrorView | undefined): EventSpec[] {
    const events = [eventOf(ProblemEvents.stateChanged, { problem: after, from: before.state, to: after.state, ...(reason ? { reason } : {}) })];
    if (after.state === ProblemState.Resolved && after.resolutionCode && after.resolution) {
      events.push(eventOf(ProblemEvents.resolved, { problem: after, resolutionCode: after.resolutionCode, resolution: after.resolution }));
    }
    if (after.state === ProblemState.Closed) events.push(eventOf(ProblemEvents.closed, { problem: after }));
    if (retired) events.push(eventOf(ProblemEvents.knownErrorRetired, { problem: after, knownError: retired }));
    return events;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ErrorCode,
  IncidentRpc,
  type LinkIncidentRequest,
  OPEN_PROBLEM_STATES,
  ProblemError,
  ProblemErrorCode,
  ProblemEvents,
  ProblemLinkSource,
  type ProblemView,
  type UnlinkIncidentRequest,
} from '@itsm/contracts';
import { RpcClient, RpcError, eventOf } from '@itsm/messaging';
import { assertVersion } from '@itsm/persistence';
import { problemNotFound } from '../domain/access';
import { assertOpenForChanges } from '../domain/problem-lifecycle';
import { Problem, toProblemView } from '../problems/problem.entity';
import { ProblemWriter } from '../problems/problem.writer';
import { ProblemIncident } from './problem-incident.entity';

/** The advisory-lock namespace of incident links (first key of the two-key form; the second is the incident's). */
const LINK_LOCK_NAMESPACE = 'itsm:problem:incident-link';

/** Linking incidents to problems and unlinking them; `problem.incidentIds` and the `problem_incidents` rows change together. */
@Injectable()
export class LinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ProblemWriter,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Links an incident by hand. The problem is checked first (exists, not final, `If-Match`) so that it is answered
   * as such; then the incident service is asked, as the caller, whether the incident exists (outside the
   * transaction: no row lock is held across the call); then the link is written as {@link linkWithin} does.
   */
  async link(request: LinkIncidentRequest, actor: Actor): Promise<ProblemView> {
    const current = await this.dataSource.getRepository(Problem).findOneBy({ id: request.id });
    if (!current) throw problemNotFound(request.id);
    assertOpenForChanges(current);
    assertVersion(`problem ${current.number}`, current.version, request.expectedVersion);
    await this.assertIncidentExists(request.incidentId);
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      return this.linkWithin(manager, problem, request.incidentId, { source: ProblemLinkSource.Manual, actorId: actor.sub });
    });
  }

  /**
   * Links `incidentId` to `problem` inside the caller's transaction; detection links the incidents of a candidate
   * with it (`source` detected, `actorId` system). The caller has locked the problem (`ProblemWriter.lock`) and knows
   * the incident exists. Writes the `problem_incidents` row, appends to `problem.incidentIds`, moves the version on by
   * one and announces `incident_linked`; answers the problem as written.
   *
   * - An incident already linked to this problem: nothing is written, the problem is answered as it is (a redelivered
   *   detection, or a repeated request, changes nothing).
   * - A closed or canceled problem: 409 `PROBLEM_FINAL_STATE`.
   * - An incident linked to another open problem: 409 `PROBLEM_INCIDENT_ALREADY_LINKED` naming it. Nothing has been
   *   written when it is thrown and no statement failed, so the caller's transaction stays usable.
   *
   * An incident belongs to at most one open problem. Two transactions linking one incident to two problems hold two
   * different problem row locks, so the check alone would race; each first takes a transaction-scoped advisory lock
   * on the incident id, so the second waits until the first commits and then, reading committed rows again, sees its
   * link. Linking several incidents in one transaction, take them in a fixed order (sorted ids) so that two such
   * transactions cannot wait for each other's incident locks in a cycle.
   */
  async linkWithin(manager: EntityManager, problem: Problem, incidentId: string, options: { source: ProblemLinkSource; actorId: string; time?: Date }): Promise<ProblemView> {
    assertOpenForChanges(problem);
    if (problem.incidentIds.includes(incidentId)) return toProblemView(problem);
    await this.assertNotHeldElsewhere(manager, problem, [incidentId]);
    const time = options.time ?? new Date();
    await manager.insert(ProblemIncident, { problemId: problem.id, incidentId, source: options.source, linkedById: options.actorId, linkedAt: time });
    const before = toProblemView(problem);
    problem.incidentIds = [...problem.incidentIds, incidentId];
    return this.writer.save(manager, problem, before, {
      actorId: options.actorId,
      action: 'incident_linked',
      time,
      auditAfter: (after) => ({ ...after, link: { incidentId, source: options.source } }),
      events: (after) => [eventOf(ProblemEvents.incidentLinked, { problem: after, incidentId, source: options.source })],
    });
  }

  /**
   * Refuses (409 `PROBLEM_INCIDENT_ALREADY_LINKED`, naming the first such incident and its problem) when one of
   * `incidentIds` is linked to an open problem other than `problem`; takes their link locks first, so the answer holds
   * until the caller's transaction ends. Linking uses it, and so does reopening a resolved problem: its incidents
   * may have been linked to another problem while it was resolved.
   */
  async assertNotHeldElsewhere(manager: EntityManager, problem: Pick<Problem, 'id'>, incidentIds: readonly string[]): Promise<void> {
    if (incidentIds.length === 0) return;
    await this.lockIncidents(manager, incidentIds);
    const holder = await manager
      .createQueryBuilder(ProblemIncident, 'link')
      .innerJoin(Problem, 'p', 'p.id = link.problem_id')
      .select('link.incident_id', 'incidentId')
      .addSelect('p.id', 'id')
      .addSelect('p.number', 'number')
      .where('link.incident_id IN (:...incidentIds)', { incidentIds })
      .andWhere('link.problem_id <> :problemId', { problemId: problem.id })
      .andWhere('p.state IN (:...open)', { open: OPEN_PROBLEM_STATES })
      .orderBy('link.incident_id')
      .getRawOne<{ incidentId: string; id: string; number: string }>();
    if (holder) {
      throw new ProblemError(ProblemErrorCode.IncidentAlreadyLinked, `incident ${holder.incidentId} is already linked to the open problem ${holder.number}`, {
        incidentId: holder.incidentId,
        problemId: holder.id,
        problemNumber: holder.number,
      });
    }
  }

  /**
   * Takes the link locks of `incidentIds` until the caller's transaction ends, in sorted order so that two holders
   * never wait for each other in a cycle. Whoever links an incident outside {@link linkWithin} takes its lock before
   * reading which problems hold it, and keeps it until commit; then no link can slip in between the check and the write.
   */
  async lockIncidents(manager: EntityManager, incidentIds: readonly string[]): Promise<void> {
    for (const incidentId of [...new Set(incidentIds)].sort()) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [LINK_LOCK_NAMESPACE, incidentId]);
    }
  }

  /** Unlinks an incident; a final problem keeps its incidents (409 `PROBLEM_FINAL_STATE`). */
  async unlink(request: UnlinkIncidentRequest, actor: Actor): Promise<ProblemView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      assertOpenForChanges(problem);
      const { incidentId } = request;
      if (!problem.incidentIds.includes(incidentId)) {
        throw new ProblemError(ProblemErrorCode.IncidentNotLinked, `incident ${incidentId} is not linked to problem ${problem.number}`, { incidentId });
      }
      await manager.delete(ProblemIncident, { problemId: problem.id, incidentId });
      const before = toProblemView(problem);
      problem.incidentIds = problem.incidentIds.filter((id) => id !== incidentId);
      return this.writer.save(manager, problem, before, {
        actorId: actor.sub,
        action: 'incident_unlinked',
        auditAfter: (after) => ({ ...after, unlinked: { incidentId } }),
        events: (after) => [eventOf(ProblemEvents.incidentUnlinked, { problem: after, incidentId })],
      });
    });
  }

  /** The incident service's word on the incident, asked as the caller: one they may not see is as unknown as one that does not exist. */
  private async assertIncidentExists(incidentId: string): Promise<void> {
    try {
      await this.rpc.call(IncidentRpc.get, { id: incidentId });
    } catch (error) {
      if (error instanceof RpcError && error.code === ErrorCode.NOT_FOUND) {
        throw new ProblemError(ProblemErrorCode.UnknownIncidents, `incident ${incidentId} not found`, {
          incidentIds: [incidentId],
          field: 'incidentId',
          errors: [{ field: 'incidentId', message: 'no such incident' }],
        });
      }
      throw error;
    }
  }
}

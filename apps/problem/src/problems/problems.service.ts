import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  CmdbErrorCode,
  type CreateProblemRequest,
  ImpactRpc,
  ProblemError,
  ProblemErrorCode,
  ProblemEvents,
  ProblemState,
  type ProblemView,
  type UpdateProblemDto,
  type UpdateProblemRequest,
  priorityOf,
  diffFields,
} from '@itsm/contracts';
import { eventOf, RpcClient, RpcError } from '@itsm/messaging';
import { claimIdempotencyKey, nextHumanNumber } from '@itsm/persistence';
import { problemNotFound } from '../domain/access';
import { assertOpenForChanges, identifiesRootCause } from '../domain/problem-lifecycle';
import { ProblemSettings } from './problem-settings';
import { Problem, toProblemView } from './problem.entity';
import { ProblemWriter } from './problem.writer';

/** Fields of the update body that are copied as they are (after the checks: the service in the CMDB, the cause category against the configured list). */
const PLAIN_FIELDS = [
  'title',
  'description',
  'category',
  'serviceId',
  'impact',
  'urgency',
  'assignmentGroup',
  'assigneeId',
  'rootCause',
  'causeCategory',
  'workaround',
] as const satisfies ReadonlyArray<keyof UpdateProblemDto & keyof Problem>;

/** The CIs a problem names, as the CMDB is asked about them. */
interface CiReferences {
  ciIds: readonly string[];
  serviceId: string | null;
}

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

@Injectable()
export class ProblemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ProblemWriter,
    private readonly settings: ProblemSettings,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Opens a problem in state new: priority from the incidents' matrix, CIs and service known to the CMDB, the cause
   * category from the configured list. A root cause given at opening counts as identified then. The row, its audit
   * entry and its events commit together; a retry with the same `Idempotency-Key` answers the first problem.
   */
  async create(input: CreateProblemRequest, actor: Actor): Promise<ProblemView> {
    const { idempotencyKey, ...request } = input;
    this.settings.assertCauseCategory(request.causeCategory);
    const ciIds = unique(request.ciIds ?? []);
    await this.assertKnownCis({ ciIds, serviceId: request.serviceId ?? null });
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'problem.create', actorId: actor.sub, key: idempotencyKey, request, resourceId: id });
        if (earlier) {
          const existing = await manager.findOneBy(Problem, { id: earlier });
          if (!existing) throw problemNotFound(earlier);
          return toProblemView(existing);
        }
      }
      const now = new Date();
      const rootCause = request.rootCause ?? null;
      const rootCauseIdentified = identifiesRootCause({ rootCauseIdentifiedAt: null }, rootCause);
      const problem = manager.create(Problem, {
        id,
        number: await nextHumanNumber(manager, 'problem', 'problem_number_seq', 'PRB'),
        title: request.title,
        description: request.description ?? '',
        category: request.category,
        serviceId: request.serviceId ?? null,
        ciIds,
        impact: request.impact,
        urgency: request.urgency,
        priority: priorityOf(request.impact, request.urgency, this.settings.priorityMatrix),
        assignmentGroup: request.assignmentGroup ?? null,
        assigneeId: request.assigneeId ?? null,
        incidentIds: [],
        changeIds: unique(request.changeIds ?? []),
        rootCause,
        causeCategory: request.causeCategory ?? null,
        workaround: request.workaround ?? null,
        state: ProblemState.New,
        resolutionCode: null,
        resolution: null,
        cancelReason: null,
        detected: false,
        detectionKey: null,
        detectionRuleId: null,
        detectionRuleName: null,
        detectionScope: null,
        detectionCiId: null,
        detectionServiceId: null,
        detectionCategory: null,
        knownErrorId: null,
        knownErrorNumber: null,
        knownErrorState: null,
        openedById: actor.sub,
        rootCauseIdentifiedAt: rootCauseIdentified ? now : null,
        resolvedAt: null,
        closedAt: null,
        canceledAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      return this.writer.insert(manager, problem, {
        actorId: actor.sub,
        events: (created) => [eventOf(ProblemEvents.created, { problem: created }), ...(rootCauseIdentified ? [eventOf(ProblemEvents.rootCauseIdentified, { problem: created })] : [])],
      });
    });
  }

  async get(id: string): Promise<ProblemView> {
    const problem = await this.dataSource.getRepository(Problem).findOneBy({ id });
    if (!problem) throw problemNotFound(id);
    return toProblemView(problem);
  }

  /**
   * Changes fields of an open or resolved problem (a closed or canceled one is history). The priority follows
   * impact × urgency; CIs and service new to the problem are checked in the CMDB; the first root cause stamps
   * `rootCauseIdentifiedAt` and is announced with root_cause_identified beside updated. A request that changes
   * nothing answers the problem as it is, without a new version.
   */
  async update(request: UpdateProblemRequest, actor: Actor): Promise<ProblemView> {
    const changes = request.changes;
    this.settings.assertCauseCategory(changes.causeCategory);
    const ciIds = changes.ciIds === undefined ? undefined : unique(changes.ciIds);
    if (ciIds !== undefined || (changes.serviceId !== undefined && changes.serviceId !== null)) {
      // Only what is new to the problem is asked about: a CI gone from the CMDB since does not block other edits.
      const current = await this.dataSource.getRepository(Problem).findOne({ where: { id: request.id }, select: { id: true, ciIds: true, serviceId: true } });
      if (!current) throw problemNotFound(request.id);
      await this.assertKnownCis({
        ciIds: (ciIds ?? []).filter((id) => !current.ciIds.includes(id)),
        serviceId: changes.serviceId && changes.serviceId !== current.serviceId ? changes.serviceId : null,
      });
    }
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      assertOpenForChanges(problem);
      const before = toProblemView(problem);
      const rootCauseIdentified = changes.rootCause !== undefined && identifiesRootCause(problem, changes.rootCause);
      for (const field of PLAIN_FIELDS) {
        if (changes[field] !== undefined) (problem as unknown as Record<string, unknown>)[field] = changes[field];
      }
      if (ciIds !== undefined) problem.ciIds = ciIds;
      if (changes.changeIds !== undefined) problem.changeIds = unique(changes.changeIds);
      if (problem.impact !== before.impact || problem.urgency !== before.urgency) problem.priority = priorityOf(problem.impact, problem.urgency, this.settings.priorityMatrix);
      // One instant for the change: the root cause is identified when the problem is updated, to the millisecond.
      const now = new Date();
      if (rootCauseIdentified) problem.rootCauseIdentifiedAt = now;
      if (diffFields(before as never, toProblemView(problem) as never).length === 0) return before;
      return this.writer.save(manager, problem, before, {
        time: now,
        actorId: actor.sub,
        action: 'updated',
        events: (after) => [
          eventOf(ProblemEvents.updated, { problem: after, changes: diffFields(before as never, after as never) }),
          ...(rootCauseIdentified ? [eventOf(ProblemEvents.rootCauseIdentified, { problem: after })] : []),
        ],
      });
    });
  }

  /**
   * Refuses CIs (the service among them) that the CMDB does not know: 422 `PROBLEM_UNKNOWN_CIS` listing them in
   * `details.ciIds`, each under the field that named it. The CMDB is asked as the caller.
   */
  private async assertKnownCis(references: CiReferences): Promise<void> {
    const asked = unique([...references.ciIds, ...(references.serviceId ? [references.serviceId] : [])]);
    if (asked.length === 0) return;
    try {
      await this.rpc.call(ImpactRpc.analyze, { ciIds: asked, depth: 1 });
    } catch (error) {
      if (!(error instanceof RpcError) || error.reason !== CmdbErrorCode.ImpactCiNotFound) throw error;
      const missing = new Set(((error.details as { missing?: string[] } | undefined)?.missing ?? []).map((id) => id.toLowerCase()));
      const unknownCis = references.ciIds.filter((id) => missing.has(id.toLowerCase()));
      const unknownService = references.serviceId && missing.has(references.serviceId.toLowerCase()) ? references.serviceId : null;
      const ids = unique([...unknownCis, ...(unknownService ? [unknownService] : [])]);
      throw new ProblemError(ProblemErrorCode.UnknownCis, `the CMDB has no CI with id ${ids.join(', ')}`, {
        ciIds: ids,
        errors: [
          ...unknownCis.map((id) => ({ field: 'ciIds', message: `no CI with id ${id}` })),
          ...(unknownService ? [{ field: 'serviceId', message: `no CI with id ${unknownService}` }] : []),
        ],
      });
    }
  }
}

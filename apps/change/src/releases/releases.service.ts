import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  type Actor,
  ChangeError,
  ChangeErrorCode,
  ChangeEvents,
  CommonError,
  CommonErrorCode,
  type CreateReleaseRequest,
  diffFields,
  type ReleaseGateAnswer,
  ReleaseState,
  type ReleaseView,
  type TransitionReleaseRequest,
  type UpdateReleaseRequest,
} from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { claimIdempotencyKey, nextHumanNumber } from '@itsm/persistence';
import { Change } from '../changes/change.entity';
import { type GateResult, releaseGate } from '../domain/gate';
import { checkReleaseTransition, isFinalReleaseState, releaseTransitionRefusalError } from '../domain/release-lifecycle';
import { ScheduleService } from '../schedule/schedule.service';
import { Release, toReleaseView } from './release.entity';
import { ReleaseWriter, releaseNotFound } from './release.writer';

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** A planned window whose end is not after its start: 400 naming `plannedEnd`, as every field error. */
function assertWindow(plannedStart: Date, plannedEnd: Date): void {
  if (plannedEnd.getTime() > plannedStart.getTime()) return;
  throw new CommonError(CommonErrorCode.InvalidRequest, 'plannedEnd must be after plannedStart', { errors: [{ field: 'plannedEnd', message: 'must be after plannedStart' }] });
}

/** Releases: bundles of changes with a planned window, moved through their stages, and the gate over all their changes. */
@Injectable()
export class ReleasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ReleaseWriter,
    private readonly schedule: ScheduleService,
  ) {}

  /**
   * Creates a release in planning, numbered `REL…`, bundling changes that exist. The row, its audit entry and
   * release_created commit together; a retry with the same `Idempotency-Key` answers the first release.
   */
  async create(input: CreateReleaseRequest, actor: Actor): Promise<ReleaseView> {
    const { idempotencyKey, ...request } = input;
    const plannedStart = new Date(request.plannedStart);
    const plannedEnd = new Date(request.plannedEnd);
    assertWindow(plannedStart, plannedEnd);
    const changeIds = unique(request.changeIds ?? []);
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'release.create', actorId: actor.sub, key: idempotencyKey, request, resourceId: id });
        if (earlier) {
          const existing = await manager.findOneBy(Release, { id: earlier });
          if (!existing) throw releaseNotFound(earlier);
          return toReleaseView(existing);
        }
      }
      await this.assertKnownChanges(manager, changeIds);
      const now = new Date();
      const release = manager.create(Release, {
        id,
        number: await nextHumanNumber(manager, 'change', 'release_number_seq', 'REL'),
        name: request.name,
        description: request.description ?? '',
        changeIds,
        plannedStart,
        plannedEnd,
        state: ReleaseState.Planning,
        cancelReason: null,
        createdBy: actor.sub,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      return this.writer.insert(manager, release, { actorId: actor.sub, events: (created) => [eventOf(ChangeEvents.releaseCreated, { release: created })] });
    });
  }

  async get(id: string): Promise<ReleaseView> {
    const release = await this.dataSource.getRepository(Release).findOneBy({ id });
    if (!release) throw releaseNotFound(id);
    return toReleaseView(release);
  }

  /**
   * Changes fields of an open release (a closed or canceled one is history: 409 `CHANGE_FINAL_STATE`). The window
   * is checked as it is after the update; changes new to the release must exist. A request that changes nothing
   * answers the release as it is, without a new version. Audited; no event (the release events are its creation and
   * its moves).
   */
  async update(request: UpdateReleaseRequest, actor: Actor): Promise<ReleaseView> {
    const changes = request.changes;
    return this.dataSource.transaction(async (manager) => {
      const release = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      if (isFinalReleaseState(release.state)) {
        throw new ChangeError(ChangeErrorCode.FinalState, `release ${release.number} is ${release.state} and cannot be changed`, { state: release.state });
      }
      const before = toReleaseView(release);
      if (changes.name !== undefined) release.name = changes.name;
      if (changes.description !== undefined) release.description = changes.description;
      if (changes.plannedStart !== undefined) release.plannedStart = new Date(changes.plannedStart);
      if (changes.plannedEnd !== undefined) release.plannedEnd = new Date(changes.plannedEnd);
      assertWindow(release.plannedStart, release.plannedEnd);
      if (changes.changeIds !== undefined) {
        const changeIds = unique(changes.changeIds);
        await this.assertKnownChanges(
          manager,
          changeIds.filter((changeId) => !before.changeIds.includes(changeId)),
        );
        release.changeIds = changeIds;
      }
      if (diffFields(before as never, toReleaseView(release) as never).length === 0) return before;
      return this.writer.save(manager, release, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  /** Moves a release to its next stage, or cancels it with a reason (the rules are `checkReleaseTransition`'s); announced with release_state_changed. */
  async transition(request: TransitionReleaseRequest, actor: Actor): Promise<ReleaseView> {
    const input = request.transition;
    return this.dataSource.transaction(async (manager) => {
      const release = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const check = checkReleaseTransition(release.state, input);
      if (!check.ok) throw releaseTransitionRefusalError(check.refusal);
      const before = toReleaseView(release);
      Object.assign(release, check.changes);
      const reason = input.reason?.trim();
      return this.writer.save(manager, release, before, {
        actorId: actor.sub,
        action: 'state_changed',
        auditAfter: (after) => (reason ? { ...after, reason } : after),
        events: (after) => [eventOf(ChangeEvents.releaseStateChanged, { release: after, from: before.state, to: after.state, ...(reason ? { reason } : {}) })],
      });
    });
  }

  /**
   * Whether a pipeline may deploy the release now: only when it has changes and every change's gate (the schedule's,
   * blackouts included) is open at the same instant. Each change's answer is given, and the release's reasons carry
   * the change numbers.
   */
  async gate(id: string): Promise<ReleaseGateAnswer> {
    const release = await this.dataSource.getRepository(Release).findOneBy({ id });
    if (!release) throw releaseNotFound(id);
    const now = new Date();
    const manager = this.dataSource.manager;
    const changes = await manager.findBy(Change, { id: In(release.changeIds) });
    const byId = new Map(changes.map((change) => [change.id, change]));
    const gates: Array<{ change: Change; gate: GateResult }> = [];
    // A change is never deleted, so every id names one; in the release's order.
    for (const changeId of release.changeIds) {
      const change = byId.get(changeId);
      if (change) gates.push({ change, gate: await this.schedule.gateOf(manager, change, now) });
    }
    const answer = releaseGate(gates.map(({ change, gate }) => ({ number: change.number, gate })));
    return {
      allowed: answer.allowed,
      reasons: answer.reasons,
      checkedAt: now.toISOString(),
      changes: gates.map(({ change, gate }) => ({ changeId: change.id, number: change.number, state: change.state, allowed: gate.allowed, reasons: gate.reasons })),
    };
  }

  /** Refuses ids of no change: 422 `CHANGE_UNKNOWN_CHANGES` listing them in `details.changeIds`. */
  private async assertKnownChanges(manager: EntityManager, changeIds: readonly string[]): Promise<void> {
    if (changeIds.length === 0) return;
    const found = await manager.find(Change, { where: { id: In([...changeIds]) }, select: { id: true } });
    const known = new Set(found.map((change) => change.id.toLowerCase()));
    const missing = changeIds.filter((changeId) => !known.has(changeId.toLowerCase()));
    if (missing.length === 0) return;
    throw new ChangeError(ChangeErrorCode.UnknownChanges, `no change with id ${missing.join(', ')}`, {
      changeIds: missing,
      errors: missing.map((changeId) => ({ field: 'changeIds', message: `no change with id ${changeId}` })),
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  KnownErrorState,
  type KnownErrorView,
  ProblemError,
  ProblemErrorCode,
  ProblemEvents,
  type PublishKnownErrorRequest,
  type RetireKnownErrorRequest,
} from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { nextHumanNumber } from '@itsm/persistence';
import { assertOpenForChanges, knownErrorIncompleteError, knownErrorPublishable } from '../domain/problem-lifecycle';
import { type Problem, toProblemView } from '../problems/problem.entity';
import { ProblemWriter } from '../problems/problem.writer';
import { KnownError, toKnownErrorView } from './known-error.entity';
import { KnownErrorWriter, knownErrorNotFound } from './known-error.writer';

/** Publishing and retiring known errors. Who may is the RPC declaration's `roles` (managers and admins). */
@Injectable()
export class KnownErrorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly problems: ProblemWriter,
    private readonly writer: KnownErrorWriter,
  ) {}

  /**
   * Publishes the problem's root cause and workaround as a known error: the known error row (with its audit row)
   * and the problem's reference to it (version bump, `known_error_published`) commit together. One published known
   * error per problem: the problem row lock serializes publishers, and `known_errors_published_problem_key` holds it
   * whatever writes the table.
   */
  async publish(request: PublishKnownErrorRequest, actor: Actor): Promise<KnownErrorView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.problems.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      assertOpenForChanges(problem);
      if (problem.knownErrorState === KnownErrorState.Published && problem.knownErrorId) {
        throw new ProblemError(ProblemErrorCode.KnownErrorExists, `problem ${problem.number} already has the published known error ${problem.knownErrorNumber ?? ''}`.trim(), {
          knownErrorId: problem.knownErrorId,
          knownErrorNumber: problem.knownErrorNumber,
        });
      }
      const publishable = knownErrorPublishable(problem);
      if (!publishable.publishable) throw knownErrorIncompleteError(publishable.missing);
      const now = new Date();
      const knownError = manager.create(KnownError, {
        id: randomUUID(),
        number: await nextHumanNumber(manager, 'problem', 'known_error_number_seq', 'KE'),
        problemId: problem.id,
        problemNumber: problem.number,
        title: request.title ?? problem.title,
        symptoms: request.symptoms,
        rootCause: problem.rootCause ?? '',
        workaround: problem.workaround ?? '',
        causeCategory: problem.causeCategory,
        category: problem.category,
        serviceId: problem.serviceId,
        ciIds: problem.ciIds,
        state: KnownErrorState.Published,
        publishedAt: now,
        publishedById: actor.sub,
        retiredAt: null,
        retireReason: null,
        updatedAt: now,
        version: 1,
      });
      const view = await this.writer.insert(manager, knownError, { actorId: actor.sub, action: 'published' });
      const before = toProblemView(problem);
      Object.assign(problem, { knownErrorId: knownError.id, knownErrorNumber: knownError.number, knownErrorState: KnownErrorState.Published });
      await this.problems.save(manager, problem, before, {
        actorId: actor.sub,
        action: 'known_error_published',
        time: now,
        events: (after) => [eventOf(ProblemEvents.knownErrorPublished, { problem: after, knownError: view })],
      });
      return view;
    });
  }

  /**
   * Retires a known error by hand. Locks are taken problem first, then known error, as closing a problem does
   * (see {@link retireWithin}), so the two never wait for each other in a cycle. A closed problem's published known
   * error may still be retired: only the problem's reference to it changes.
   */
  async retire(request: RetireKnownErrorRequest, actor: Actor): Promise<KnownErrorView> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.findOne(KnownError, { where: { id: request.id }, select: { id: true, problemId: true } });
      if (!found) throw knownErrorNotFound(request.id);
      const problem = await this.problems.lock(manager, found.problemId);
      const before = toProblemView(problem);
      const retired = await this.retireWithin(manager, problem, request.id, { reason: request.reason, actorId: actor.sub, expectedVersion: request.expectedVersion });
      await this.problems.save(manager, problem, before, {
        actorId: actor.sub,
        action: 'known_error_retired',
        events: (after) => [eventOf(ProblemEvents.knownErrorRetired, { problem: after, knownError: retired })],
      });
      return retired;
    });
  }

  /**
   * Retires the known error `knownErrorId` of `problem` inside the caller's transaction, the problem already locked
   * by the caller: the known error is locked (and its `expectedVersion` checked), written with its audit row, and
   * the problem's reference updated in memory. The caller saves the problem and announces `known_error_retired`
   * with the view returned, in the same change as whatever else it does (closing the problem, say).
   */
  async retireWithin(manager: EntityManager, problem: Problem, knownErrorId: string, options: { reason: string; actorId: string; expectedVersion?: number; now?: Date }): Promise<KnownErrorView> {
    const knownError = await this.writer.lock(manager, knownErrorId, { expectedVersion: options.expectedVersion });
    if (knownError.state === KnownErrorState.Retired) {
      throw new ProblemError(ProblemErrorCode.KnownErrorRetired, `known error ${knownError.number} is already retired`, { retiredAt: knownError.retiredAt?.toISOString() ?? null });
    }
    const now = options.now ?? new Date();
    const before = toKnownErrorView(knownError);
    Object.assign(knownError, { state: KnownErrorState.Retired, retiredAt: now, retireReason: options.reason });
    const view = await this.writer.save(manager, knownError, before, { actorId: options.actorId, action: 'retired', time: now });
    if (problem.knownErrorId === knownError.id) problem.knownErrorState = KnownErrorState.Retired;
    return view;
  }

  async get(id: string): Promise<KnownErrorView> {
    const knownError = await this.dataSource.getRepository(KnownError).findOneBy({ id });
    if (!knownError) throw knownErrorNotFound(id);
    return toKnownErrorView(knownError);
  }
}

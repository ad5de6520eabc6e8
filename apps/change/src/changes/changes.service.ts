import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ChangeError,
  ChangeErrorCode,
  ChangeEvents,
  ChangeState,
  ChangeType,
  type ChangeView,
  type CiSummary,
  CommonError,
  CommonErrorCode,
  type CreateChangeRequest,
  type UpdateChangeDto,
  type UpdateChangeRequest,
  diffFields,
} from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { claimIdempotencyKey, nextHumanNumber } from '@itsm/persistence';
import { changeNotFound } from '../domain/access';
import { isFinalChangeState } from '../domain/change-lifecycle';
import { ChangeRiskService } from '../lifecycle/risk.service';
import { ChangeTemplate } from '../templates/change-template.entity';
import { templateNotFound } from '../templates/change-template.writer';
import { ChangeCis } from './change-cis';
import { Change, toChangeView } from './change.entity';
import { ChangeWriter } from './change.writer';

/** Fields of the update body that are copied as they are. */
const PLAIN_FIELDS = ['title', 'description', 'justification', 'assignmentGroup', 'implementerId'] as const satisfies ReadonlyArray<keyof UpdateChangeDto & keyof Change>;
/** The plans: a standard change keeps its template's, so they are taken only on normal and emergency changes. */
const PLAN_FIELDS = ['implementationPlan', 'backoutPlan', 'testPlan'] as const satisfies ReadonlyArray<keyof UpdateChangeDto & keyof Change>;

const MINUTE_MS = 60_000;

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

interface FieldError {
  field: string;
  message: string;
}

/** The rules of a change's type and window that need nothing but the request: 400 naming each field. */
function shapeErrors(change: { type: ChangeType; templateId: string | null; ciIds: readonly string[]; plannedStart: Date; plannedEnd: Date }): FieldError[] {
  const errors: FieldError[] = [];
  if (change.type === ChangeType.Standard && !change.templateId) errors.push({ field: 'templateId', message: 'is required for a standard change' });
  if (change.type !== ChangeType.Standard && change.templateId) errors.push({ field: 'templateId', message: `is taken only by a standard change, not a ${change.type} one` });
  if (change.type !== ChangeType.Standard && change.ciIds.length === 0) errors.push({ field: 'ciIds', message: `must name at least one CI for a ${change.type} change` });
  if (change.plannedEnd.getTime() <= change.plannedStart.getTime()) errors.push({ field: 'plannedEnd', message: 'must be after plannedStart' });
  return errors;
}

function assertShape(change: Parameters<typeof shapeErrors>[0]): void {
  const errors = shapeErrors(change);
  if (errors.length > 0) throw new CommonError(CommonErrorCode.InvalidRequest, errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
}

function assertOpenForChanges(change: Change): void {
  if (isFinalChangeState(change.state)) throw new ChangeError(ChangeErrorCode.FinalState, `change ${change.number} is ${change.state} and can no longer be changed`, { state: change.state });
}

/**
 * What a standard change's template allows: CIs of its classes (422 `CHANGE_CI_CLASS_NOT_ALLOWED` naming the others)
 * and a window no longer than `maxDurationMinutes` (422 `CHANGE_WINDOW_TOO_LONG`).
 */
function assertTemplateAllows(template: ChangeTemplate, cis: readonly CiSummary[], window: { plannedStart: Date; plannedEnd: Date }): void {
  const refused = cis.filter((ci) => !template.allowedCiClasses.includes(ci.className));
  if (refused.length > 0) {
    const named = refused.map((ci) => `${ci.name} (${ci.className})`).join(', ');
    throw new ChangeError(ChangeErrorCode.CiClassNotAllowed, `template ${template.name} does not allow ${named}; allowed classes: ${template.allowedCiClasses.join(', ') || 'none'}`, {
      ciIds: refused.map((ci) => ci.id),
      allowed: template.allowedCiClasses,
      errors: refused.map((ci) => ({ field: 'ciIds', message: `${ci.id} is a ${ci.className}, which template ${template.name} does not allow` })),
    });
  }
  const minutes = (window.plannedEnd.getTime() - window.plannedStart.getTime()) / MINUTE_MS;
  if (minutes > template.maxDurationMinutes) {
    throw new ChangeError(ChangeErrorCode.WindowTooLong, `the window lasts ${Math.ceil(minutes)} minutes; template ${template.name} allows at most ${template.maxDurationMinutes}`, {
      maxDurationMinutes: template.maxDurationMinutes,
      errors: [{ field: 'plannedEnd', message: `must be at most ${template.maxDurationMinutes} minutes after plannedStart` }],
    });
  }
}

@Injectable()
export class ChangesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ChangeWriter,
    private readonly cis: ChangeCis,
    private readonly risk: ChangeRiskService,
  ) {}

  /**
   * Raises a change in state new, requested by the caller. A standard change takes its plans from its (enabled)
   * template and must keep to its CI classes and longest window; a normal or emergency change names 1 to 100 CIs.
   * Every CI must be known to the CMDB. The impact set of the CIs is stored for the schedule check. The row, its
   * audit entry and its event commit together; a retry with the same `Idempotency-Key` answers the first change.
   */
  async create(input: CreateChangeRequest, actor: Actor): Promise<ChangeView> {
    const { idempotencyKey, ...request } = input;
    const ciIds = unique(request.ciIds ?? []);
    const window = { plannedStart: new Date(request.plannedStart), plannedEnd: new Date(request.plannedEnd) };
    assertShape({ type: request.type, templateId: request.templateId ?? null, ciIds, ...window });
    const template = request.type === ChangeType.Standard ? await this.enabledTemplate(request.templateId ?? '') : null;
    const cis = await this.cis.lookUp(ciIds);
    if (template) assertTemplateAllows(template, cis, window);
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'change.create', actorId: actor.sub, key: idempotencyKey, request, resourceId: id });
        if (earlier) {
          const existing = await manager.findOneBy(Change, { id: earlier });
          if (!existing) throw changeNotFound(earlier);
          return toChangeView(existing);
        }
      }
      const now = new Date();
      const change = manager.create(Change, {
        id,
        number: await nextHumanNumber(manager, 'change', 'change_number_seq', 'CHG'),
        type: request.type,
        templateId: template?.id ?? null,
        title: request.title,
        description: request.description ?? '',
        justification: request.justification ?? '',
        implementationPlan: template ? template.implementationPlan : (request.implementationPlan ?? ''),
        backoutPlan: template ? template.backoutPlan : (request.backoutPlan ?? ''),
        testPlan: template ? template.testPlan : (request.testPlan ?? ''),
        ciIds,
        impactCiIds: [],
        ...window,
        assignmentGroup: request.assignmentGroup ?? null,
        implementerId: request.implementerId ?? null,
        requestedBy: actor.sub,
        incidentIds: unique(request.incidentIds ?? []),
        problemIds: unique(request.problemIds ?? []),
        state: ChangeState.New,
        riskLevel: null,
        risk: null,
        approval: null,
        conflicts: [],
        conflictOverride: null,
        outcome: null,
        backoutPerformed: null,
        reviewNotes: null,
        cancelReason: null,
        implementationStartedAt: null,
        implementedAt: null,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      // Not assessed yet (risk is null): this only stores the impact set the schedule check compares.
      await this.risk.reassess(manager, change);
      return this.writer.insert(manager, change, { actorId: actor.sub, events: (created) => [eventOf(ChangeEvents.requested, { change: created })] });
    });
  }

  async get(id: string): Promise<ChangeView> {
    const change = await this.dataSource.getRepository(Change).findOneBy({ id });
    if (!change) throw changeNotFound(id);
    return toChangeView(change);
  }

  /**
   * Changes fields of a change that is not closed, canceled or rejected. The type and template are fixed; a standard
   * change keeps its template's plans (plans given for one are not taken) and its rules for new CIs and the window.
   * CIs new to the change are checked in the CMDB. When the CIs or the window change before implementation, the
   * impact set is refreshed and an assessed risk is assessed again (announced with risk_assessed beside updated).
   * A request that changes nothing answers the change as it is, without a new version.
   */
  async update(request: UpdateChangeRequest, actor: Actor): Promise<ChangeView> {
    const changes = request.changes;
    const ciIds = changes.ciIds === undefined ? undefined : unique(changes.ciIds);
    let added: CiSummary[] = [];
    if (ciIds !== undefined) {
      // Only what is new to the change is asked about: a CI gone from the CMDB since does not block other edits.
      const current = await this.dataSource.getRepository(Change).findOne({ where: { id: request.id }, select: { id: true, ciIds: true } });
      if (!current) throw changeNotFound(request.id);
      added = await this.cis.lookUp(ciIds.filter((id) => !current.ciIds.includes(id)));
    }
    return this.dataSource.transaction(async (manager) => {
      const change = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      assertOpenForChanges(change);
      const before = toChangeView(change);
      for (const field of PLAIN_FIELDS) {
        if (changes[field] !== undefined) (change as unknown as Record<string, unknown>)[field] = changes[field];
      }
      if (change.type !== ChangeType.Standard) {
        for (const field of PLAN_FIELDS) if (changes[field] !== undefined) change[field] = changes[field];
      }
      if (ciIds !== undefined) change.ciIds = ciIds;
      if (changes.plannedStart !== undefined) change.plannedStart = new Date(changes.plannedStart);
      if (changes.plannedEnd !== undefined) change.plannedEnd = new Date(changes.plannedEnd);
      if (changes.incidentIds !== undefined) change.incidentIds = unique(changes.incidentIds);
      if (changes.problemIds !== undefined) change.problemIds = unique(changes.problemIds);
      const scopeChanged = diffFields(pick(before), pick(toChangeView(change))).length > 0;
      if (diffFields(before as never, toChangeView(change) as never).length === 0) return before;
      if (scopeChanged) {
        assertShape(change);
        if (change.type === ChangeType.Standard) assertTemplateAllows(await this.templateOf(manager, change), added, change);
      }
      // The risk service refreshes the impact set, and reassesses an assessed risk before implementation starts.
      const reassessed = scopeChanged ? await this.risk.reassess(manager, change) : null;
      return this.writer.save(manager, change, before, {
        actorId: actor.sub,
        action: 'updated',
        events: (after) => [
          eventOf(ChangeEvents.updated, { change: after, changes: diffFields(before as never, after as never) }),
          ...(reassessed ? [eventOf(ChangeEvents.riskAssessed, { change: after, risk: reassessed })] : []),
        ],
      });
    });
  }

  /** The template of a new standard change: 404 `CHANGE_TEMPLATE_NOT_FOUND`, or 422 `CHANGE_TEMPLATE_DISABLED`. */
  private async enabledTemplate(id: string): Promise<ChangeTemplate> {
    const template = await this.dataSource.getRepository(ChangeTemplate).findOneBy({ id });
    if (!template) throw templateNotFound(id);
    if (!template.enabled) throw new ChangeError(ChangeErrorCode.TemplateDisabled, `change template ${template.name} is disabled`, { errors: [{ field: 'templateId', message: 'names a disabled template' }] });
    return template;
  }

  /** The template a standard change was raised from, whose rules its later CIs and window keep (enabled or not). */
  private async templateOf(manager: EntityManager, change: Change): Promise<ChangeTemplate> {
    const template = change.templateId ? await manager.findOneBy(ChangeTemplate, { id: change.templateId }) : null;
    if (!template) throw templateNotFound(change.templateId ?? '');
    return template;
  }
}

/** The fields whose change moves the risk and the impact set: the CIs and the window. */
function pick(view: ChangeView): Record<string, unknown> {
  return { ciIds: view.ciIds, plannedStart: view.plannedStart, plannedEnd: view.plannedEnd };
}

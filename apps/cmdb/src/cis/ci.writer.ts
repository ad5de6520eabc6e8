import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CiFieldChange, type CiIdentifiers, CiStatus, type CiView, CmdbError, CmdbErrorCode, CmdbEvents, type FieldError } from '@itsm/contracts';
import { eventOf, OutboxWriter, RecordWriter } from '@itsm/messaging';
import type { CiClass } from '../classes/ci-class.entity';
import { ClassRegistry, unknownClass } from '../classes/class-registry';
import { type CiSnapshot, diffCi, mergeMap, nextSources } from '../domain/ci-changes';
import { checkCiFields, NEW_CI_REQUIRED } from '../domain/ci-fields';
import { Ci, toCiView } from './ci.entity';

/** Who makes a change and on whose authority: `manual` (MANUAL_SOURCE) for the API, or an import's source. */
export interface ChangeContext {
  actorId: string;
  source: string;
}

export interface NewCi {
  /** Chosen by the caller when it must know the id beforehand (an Idempotency-Key claim); new otherwise. */
  id?: string;
  className: string;
  name: string;
  environment: string;
  status?: CiStatus;
  criticality?: number;
  ownerGroup?: string | null;
  identifiers: CiIdentifiers;
  attributes: Record<string, unknown>;
}

/** A partial change; `attributes` and `identifiers` are merged into the existing ones (a null value removes the key). */
export interface CiChanges {
  name?: string;
  environment?: string;
  status?: CiStatus;
  criticality?: number;
  ownerGroup?: string | null;
  identifiers?: CiIdentifiers | Record<string, string | null>;
  attributes?: Record<string, unknown>;
}

export const DEFAULT_CRITICALITY = 3;

function invalidCi(errors: FieldError[]): CmdbError {
  const fields = [...new Set(errors.map((error) => error.field))];
  return new CmdbError(CmdbErrorCode.CiInvalidFields, `CI has invalid fields: ${fields.join(', ')}`, { errors });
}

function snapshotOf(ci: Ci): CiSnapshot {
  return {
    name: ci.name,
    environment: ci.environment,
    status: ci.status,
    criticality: ci.criticality,
    ownerGroup: ci.ownerGroup,
    retiredAt: ci.retiredAt ? ci.retiredAt.toISOString() : null,
    identifiers: { ...ci.identifiers },
    attributes: { ...ci.attributes },
  };
}

/** Without keys whose value is undefined or null (what a CI stores for "not set"). */
function present<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null)) as T;
}

function isClassName(className: unknown): className is string {
  return typeof className === 'string' && checkCiFields({ className }).length === 0;
}

/**
 * Every change of a CI goes through here, by hand or by an import: checks against the class, the source of each
 * field, version, audit row and event, all in the caller's transaction. The audit row keeps the source of the
 * change (and its field changes, or the reason of a retirement) beside the CI: the history of a CI reads them.
 */
@Injectable()
export class CiWriter extends RecordWriter<Ci, CiView> {
  protected readonly entity = Ci;
  protected readonly entityType = 'ci';

  constructor(
    outbox: OutboxWriter,
    private readonly classes: ClassRegistry,
  ) {
    super(outbox);
  }

  toView(ci: Ci): CiView {
    return toCiView(ci);
  }

  protected label(ci: Ci): string {
    return `CI ${ci.name}`;
  }

  protected notFound(id: string): CmdbError {
    return new CmdbError(CmdbErrorCode.CiNotFound, `CI ${id} not found`);
  }

  /** `knownClass`: the CI's class as the caller has just read it in this transaction (an import reads it once per chunk). */
  async create(manager: EntityManager, input: NewCi, ctx: ChangeContext, knownClass?: CiClass): Promise<Ci> {
    const identifiers = present({ ...input.identifiers });
    const attributes = present({ ...input.attributes });
    const errors = checkCiFields({ ...input, identifiers }, NEW_CI_REQUIRED);
    if (input.status === CiStatus.Retired) errors.push({ field: 'status', message: 'a new CI cannot be retired' });
    const ciClass = !isClassName(input.className) ? null : knownClass?.name === input.className ? knownClass : await this.classes.get(input.className, manager);
    if (!ciClass) {
      if (!errors.some((error) => error.field === 'className')) errors.push(unknownClass(input.className));
    } else {
      errors.push(...this.classes.check(ciClass, attributes));
    }
    if (errors.length > 0) throw invalidCi(errors);

    const sources: Record<string, string> = {};
    const given = ['name', 'environment', ...(['status', 'criticality', 'ownerGroup'] as const).filter((field) => input[field] !== undefined)];
    for (const field of given) sources[field] = ctx.source;
    for (const key of Object.keys(identifiers)) sources[`identifiers.${key}`] = ctx.source;
    for (const key of Object.keys(attributes)) sources[`attributes.${key}`] = ctx.source;

    const now = new Date();
    const ci = manager.create(Ci, {
      id: input.id ?? randomUUID(),
      className: input.className,
      name: input.name,
      environment: input.environment,
      status: input.status ?? CiStatus.Operational,
      criticality: input.criticality ?? DEFAULT_CRITICALITY,
      ownerGroup: input.ownerGroup ?? null,
      identifiers,
      attributes,
      attributeSources: sources,
      createdAt: now,
      updatedAt: now,
      retiredAt: null,
      version: 1,
    });
    await this.insert(manager, ci, {
      actorId: ctx.actorId,
      events: (view) => [eventOf(CmdbEvents.ciCreated, { ci: view, source: ctx.source })],
      auditAfter: (view) => ({ ...view, source: ctx.source }),
    });
    return ci;
  }

  /**
   * Applies the given fields to a CI the caller has locked. Nothing is written, and no event published, when no
   * value changes. A retired CI is brought back by setting another status; retiring goes through {@link retire}.
   */
  async update(manager: EntityManager, ci: Ci, changes: CiChanges, ctx: ChangeContext, knownClass?: CiClass): Promise<{ ci: Ci; changes: CiFieldChange[] }> {
    const errors = checkCiFields({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.environment !== undefined ? { environment: changes.environment } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.criticality !== undefined ? { criticality: changes.criticality } : {}),
      ...(changes.ownerGroup !== undefined ? { ownerGroup: changes.ownerGroup } : {}),
      ...(changes.identifiers !== undefined ? { identifiers: changes.identifiers as Record<string, unknown> } : {}),
    });
    if (changes.status === CiStatus.Retired && ci.status !== CiStatus.Retired) errors.push({ field: 'status', message: 'retire a CI with retire, which records the reason' });
    const before = snapshotOf(ci);
    const after: CiSnapshot = {
      name: changes.name ?? ci.name,
      environment: changes.environment ?? ci.environment,
      status: changes.status ?? ci.status,
      criticality: changes.criticality ?? ci.criticality,
      ownerGroup: changes.ownerGroup !== undefined ? changes.ownerGroup : ci.ownerGroup,
      retiredAt: before.retiredAt,
      identifiers: changes.identifiers ? mergeMap(ci.identifiers as Record<string, unknown>, changes.identifiers as Record<string, unknown>) : before.identifiers,
      attributes: changes.attributes ? mergeMap(ci.attributes, changes.attributes) : before.attributes,
    };
    if (ci.status === CiStatus.Retired && after.status !== CiStatus.Retired) after.retiredAt = null;
    if (errors.length === 0 && changes.attributes) {
      const ciClass = knownClass?.name === ci.className ? knownClass : await this.classes.get(ci.className, manager);
      if (!ciClass) throw new Error(`CI ${ci.id} has class ${ci.className}, which does not exist`);
      errors.push(...this.classes.check(ciClass, after.attributes));
    }
    if (errors.length > 0) throw invalidCi(errors);

    const diff = diffCi(before, after);
    if (diff.length === 0) return { ci, changes: [] };
    const beforeView = toCiView(ci);
    Object.assign(ci, {
      name: after.name,
      environment: after.environment,
      status: after.status,
      criticality: after.criticality,
      ownerGroup: after.ownerGroup,
      retiredAt: after.retiredAt ? ci.retiredAt : null,
      identifiers: after.identifiers,
      attributes: after.attributes,
      attributeSources: nextSources(ci.attributeSources, diff, ctx.source),
    });
    const fieldChanges: CiFieldChange[] = diff.map((change) => ({ ...change, source: ctx.source }));
    await this.save(manager, ci, beforeView, {
      actorId: ctx.actorId,
      action: 'updated',
      events: (view) => [eventOf(CmdbEvents.ciUpdated, { ci: view, source: ctx.source, changes: fieldChanges })],
      auditAfter: (view) => ({ ...view, source: ctx.source, changes: fieldChanges }),
    });
    return { ci, changes: fieldChanges };
  }

  /** Retires a CI the caller has locked; it keeps its history and relationships. Retiring twice changes nothing. */
  async retire(manager: EntityManager, ci: Ci, ctx: ChangeContext & { reason: string | null }): Promise<Ci> {
    if (ci.status === CiStatus.Retired) return ci;
    const beforeView = toCiView(ci);
    const now = new Date();
    Object.assign(ci, { status: CiStatus.Retired, retiredAt: now, attributeSources: { ...ci.attributeSources, status: ctx.source } });
    await this.save(manager, ci, beforeView, {
      actorId: ctx.actorId,
      action: 'retired',
      time: now,
      events: (view) => [eventOf(CmdbEvents.ciRetired, { ci: view, source: ctx.source, reason: ctx.reason })],
      auditAfter: (view) => ({ ...view, source: ctx.source, reason: ctx.reason }),
    });
    return ci;
  }
}

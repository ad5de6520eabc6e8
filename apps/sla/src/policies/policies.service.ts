import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type Actor,
  ALWAYS_CALENDAR_ID,
  type CreatePolicyDto,
  DomainError,
  ErrorCode,
  type ListPoliciesRequest,
  parseBusinessDuration,
  type PolicyDefinitionDto,
  type PolicyList,
  type PolicyTargetDto,
  type PolicyView,
  type Priority,
  type UpdatePolicyRequest,
} from '@itsm/contracts';
import { assertVersion, AuditEntry } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { checkPolicy, inMatchingOrder, type PolicyConditions, type TargetSpec } from '../domain/policy';
import { Calendar } from '../calendars/calendar.entity';
import { specOf } from './policy-registry';
import { Policy } from './policy.entity';
import { requireAdmin, requireReader, unprocessable } from '../sla-access';
import { markOpenTicketsStale } from '../clocks/staleness';

const DEFAULT_ORDER = 100;

export function toPolicyView(policy: Policy): PolicyView {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    kind: policy.kind,
    order: policy.order,
    enabled: policy.enabled,
    conditions: policy.conditions,
    targets: policy.targets.map((target) => ({
      metric: target.metric,
      durationSeconds: target.durationSeconds,
      durationByPriority: target.durationByPriority,
      calendarId: target.calendarId,
      pauseStates: target.pauseStates,
      pauseHoldReasons: target.pauseHoldReasons as PolicyView['targets'][number]['pauseHoldReasons'],
      warnAt: target.warnAt,
    })),
    createdAt: policy.createdAt.toISOString(),
    updatedAt: policy.updatedAt.toISOString(),
    version: policy.version,
  };
}

function seconds(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const parsed = parseBusinessDuration(value);
  // The DTO's validator has already refused anything that does not parse.
  return typeof parsed === 'number' ? parsed : null;
}

function targetSpec(target: PolicyTargetDto): TargetSpec {
  const byPriority: Partial<Record<Priority, number>> = {};
  for (const [priority, duration] of Object.entries(target.durationByPriority ?? {})) {
    const value = seconds(duration as string | number | undefined);
    if (value !== null) byPriority[priority as Priority] = value;
  }
  return {
    metric: target.metric,
    durationSeconds: seconds(target.duration),
    durationByPriority: byPriority,
    calendarId: target.calendarId ?? ALWAYS_CALENDAR_ID,
    pauseStates: target.pauseStates ?? [],
    pauseHoldReasons: target.pauseHoldReasons ?? [],
    warnAt: [...(target.warnAt ?? [])].sort((a, b) => a - b),
  };
}

/** Conditions as given, without the keys left out (an absent condition matches everything). */
function conditionsOf(input: PolicyDefinitionDto['conditions']): PolicyConditions {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as PolicyConditions;
}

/** SLA and OLA policies: agents, managers and admins read them; admins define them. */
@Injectable()
export class PoliciesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: ListPoliciesRequest, actor: Actor): Promise<PolicyList> {
    requireReader(actor);
    const rows = await this.dataSource.getRepository(Policy).find({ where: { ...(query.kind ? { kind: query.kind } : {}), ...(query.enabled === undefined ? {} : { enabled: query.enabled }) } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return { items: inMatchingOrder(rows.map(specOf)).map((spec) => toPolicyView(byId.get(spec.id) as Policy)) };
  }

  async get(id: string, actor: Actor): Promise<PolicyView> {
    requireReader(actor);
    const policy = await this.dataSource.getRepository(Policy).findOneBy({ id });
    if (!policy) throw notFound(id);
    return toPolicyView(policy);
  }

  async create(input: CreatePolicyDto, actor: Actor): Promise<PolicyView> {
    requireAdmin(actor, 'define SLA policies');
    return this.dataSource.transaction(async (manager) => {
      const fields = await this.definition(manager, input);
      await this.assertNameFree(manager, input.name, null);
      const now = new Date();
      const policy = manager.create(Policy, { id: randomUUID(), ...fields, createdAt: now, updatedAt: now, version: 1 });
      await manager.insert(Policy, policy as QueryDeepPartialEntity<Policy>);
      const view = toPolicyView(policy);
      await audit(manager, { entityId: policy.id, action: 'created', actorId: actor.sub, before: null, after: view });
      await markOpenTicketsStale(manager);
      return view;
    });
  }

  async update(request: UpdatePolicyRequest, actor: Actor): Promise<PolicyView> {
    requireAdmin(actor, 'change SLA policies');
    return this.dataSource.transaction(async (manager) => {
      const policy = await manager.findOne(Policy, { where: { id: request.id }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw notFound(request.id);
      assertVersion(`policy ${policy.name}`, policy.version, request.expectedVersion);
      const fields = await this.definition(manager, request);
      await this.assertNameFree(manager, request.name, policy.id);
      const before = toPolicyView(policy);
      Object.assign(policy, fields, { version: policy.version + 1, updatedAt: new Date() });
      await manager.update(Policy, { id: policy.id }, { ...fields, version: policy.version, updatedAt: policy.updatedAt } as QueryDeepPartialEntity<Policy>);
      const after = toPolicyView(policy);
      await audit(manager, { entityId: policy.id, action: 'updated', actorId: actor.sub, before, after });
      // Open tickets get their clocks rebuilt under the new rules; closed ones keep what they ended with.
      await markOpenTicketsStale(manager);
      return after;
    });
  }

  private async definition(manager: EntityManager, input: PolicyDefinitionDto): Promise<Omit<Policy, 'id' | 'createdAt' | 'updatedAt' | 'version'>> {
    const fields = {
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      order: input.order ?? DEFAULT_ORDER,
      enabled: input.enabled ?? true,
      conditions: conditionsOf(input.conditions),
      targets: input.targets.map(targetSpec),
    };
    const calendarIds = new Set((await manager.find(Calendar, { select: { id: true } })).map((calendar) => calendar.id));
    const errors = checkPolicy(fields, (id) => id === ALWAYS_CALENDAR_ID || calendarIds.has(id));
    if (errors.length > 0) throw unprocessable('the policy cannot be used as given', errors);
    return fields;
  }

  private async assertNameFree(manager: EntityManager, name: string, self: string | null): Promise<void> {
    const other = await manager.findOneBy(Policy, { name });
    if (other && other.id !== self) throw new DomainError(ErrorCode.CONFLICT, `there is already a policy named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
  }
}

function notFound(id: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `policy ${id} not found`);
}

async function audit(manager: EntityManager, record: { entityId: string; action: string; actorId: string; before: object | null; after: object | null }): Promise<void> {
  await manager.insert(AuditEntry, { entityType: 'policy', ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}


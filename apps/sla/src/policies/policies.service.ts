import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ALWAYS_CALENDAR_ID,
  type CreatePolicyDto,
  type ListPoliciesRequest,
  parseBusinessDuration,
  type PolicyDefinitionDto,
  type PolicyList,
  type PolicyTargetDto,
  type PolicyView,
  type Priority,
  SlaError,
  SlaErrorCode,
  type SlaTicketType,
  type UpdatePolicyRequest,
} from '@itsm/contracts';
import { checkPolicy, inMatchingOrder, type PolicyConditions, type TargetSpec } from '../domain/policy';
import { Calendar } from '../calendars/calendar.entity';
import { markOpenTicketsStale } from '../clocks/staleness';
import { specOf } from './policy-registry';
import { Policy, toPolicyView } from './policy.entity';
import { policyNotFound, PolicyWriter } from './policy.writer';

const DEFAULT_ORDER = 100;

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

/**
 * The ticket types whose clocks a policy can change, as it was and as it is: none while it is disabled (only
 * enabled policies drive clocks), every type (undefined) when it names none.
 */
function typesReached(...states: ReadonlyArray<Pick<Policy, 'enabled' | 'conditions'>>): SlaTicketType[] | undefined {
  const types = new Set<SlaTicketType>();
  for (const state of states) {
    if (!state.enabled) continue;
    if (state.conditions.ticketTypes === undefined) return undefined;
    for (const type of state.conditions.ticketTypes) types.add(type);
  }
  return [...types];
}

/** SLA and OLA policies: agents, managers and admins read them; admins define them. */
@Injectable()
export class PoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: PolicyWriter,
  ) {}

  async list(query: ListPoliciesRequest): Promise<PolicyList> {
    const rows = await this.dataSource.getRepository(Policy).find({ where: { ...(query.kind ? { kind: query.kind } : {}), ...(query.enabled === undefined ? {} : { enabled: query.enabled }) } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return { items: inMatchingOrder(rows.map(specOf)).map((spec) => toPolicyView(byId.get(spec.id) as Policy)) };
  }

  async get(id: string): Promise<PolicyView> {
    const policy = await this.dataSource.getRepository(Policy).findOneBy({ id });
    if (!policy) throw policyNotFound(id);
    return toPolicyView(policy);
  }

  async create(input: CreatePolicyDto, actor: Actor): Promise<PolicyView> {
    return this.dataSource.transaction(async (manager) => {
      const fields = await this.definition(manager, input);
      await this.assertNameFree(manager, input.name, null);
      const now = new Date();
      const policy = manager.create(Policy, { id: randomUUID(), ...fields, createdAt: now, updatedAt: now, version: 1 });
      const view = await this.writer.insert(manager, policy, { actorId: actor.sub });
      await markOpenTicketsStale(manager, typesReached(fields));
      return view;
    });
  }

  async update(request: UpdatePolicyRequest, actor: Actor): Promise<PolicyView> {
    return this.dataSource.transaction(async (manager) => {
      const policy = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const fields = await this.definition(manager, request);
      await this.assertNameFree(manager, request.name, policy.id);
      const before = this.writer.toView(policy);
      const reached = typesReached({ enabled: policy.enabled, conditions: policy.conditions }, fields);
      const after = await this.writer.save(manager, Object.assign(policy, fields), before, { actorId: actor.sub, action: 'updated' });
      // Open tickets get their clocks rebuilt under the new rules; closed ones keep what they ended with.
      await markOpenTicketsStale(manager, reached);
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
    if (errors.length > 0) throw SlaError.ofFields(SlaErrorCode.PolicyInvalid, 'the policy cannot be used as given', errors);
    return fields;
  }

  private async assertNameFree(manager: EntityManager, name: string, self: string | null): Promise<void> {
    const other = await manager.findOneBy(Policy, { name });
    if (other && other.id !== self) throw new SlaError(SlaErrorCode.PolicyNameTaken, `there is already a policy named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
  }
}

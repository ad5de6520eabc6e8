import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  type Actor,
  Channel,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  DomainError,
  ErrorCode,
  IncidentEvents,
  type IncidentRef,
  IncidentState,
  type IncidentView,
  type LinkChildrenRequest,
  type SetMajorRequest,
  type UpdateIncidentDto,
  type UpdateIncidentRequest,
} from '@itsm/contracts';
import { claimIdempotencyKey, nextHumanNumber } from '@itsm/persistence';
import { type AssignmentChange, reassign } from '../domain/assignment';
import { diffFields } from '../domain/field-changes';
import { OPEN_STATES } from '../domain/incident-lifecycle';
import { priorityOf } from '../domain/priority';
import { routeIncident } from '../domain/routing';
import { RoutingRule } from '../routing/routing-rule.entity';
import { assertVisible, forbidden, isAgent, isManager } from './incident-access';
import { eventOf, IncidentWriter } from './incident-writer';
import { Incident, toIncidentView } from './incident.entity';

const AGENT_ONLY_ON_CREATE = ['assignmentGroup', 'assigneeId', 'callerId', 'callerName', 'parentId'] as const;
/** Fields of the update body that are copied as they are. */
const PLAIN_FIELDS = ['title', 'description', 'category', 'subcategory', 'channel', 'serviceId', 'ciIds', 'problemId', 'changeIds'] as const;

/**
 * Groups of the caller as SLA policies see them. Someone opening for themselves is described by their token, which
 * the body may not contradict (else a requester could make themselves a VIP); for someone else the agent says.
 */
function callerGroupsAtOpening(request: Omit<CreateIncidentRequest, 'idempotencyKey'>, actor: Actor): string[] {
  const forSelf = request.callerId === undefined || request.callerId === actor.sub;
  if (!forSelf) return [...new Set(request.callerGroups ?? [])];
  if (request.callerGroups !== undefined) {
    throw new DomainError(ErrorCode.VALIDATION, 'callerGroups only applies with a callerId of someone else; your own groups come from your token', {
      errors: [{ field: 'callerGroups', message: 'only with a callerId of someone else' }],
    });
  }
  return [...new Set(actor.groups ?? [])];
}

@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: IncidentWriter,
  ) {}

  /**
   * Opens an incident: priority from the matrix, assignment by the routing rules unless an agent chose a
   * group, and possible duplicates in the reply. The row, its audit entry and its events commit together.
   */
  async create(input: CreateIncidentRequest, actor: Actor): Promise<CreatedIncidentView> {
    const { idempotencyKey, ...request } = input;
    if (!isAgent(actor)) {
      const agentOnly = AGENT_ONLY_ON_CREATE.filter((field) => request[field] !== undefined);
      if (agentOnly.length > 0) throw forbidden(`only agents may set ${agentOnly.join(', ')}`, [...agentOnly]);
    }
    const callerGroups = callerGroupsAtOpening(request, actor);
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'incident.create', actorId: actor.sub, key: idempotencyKey, request, resourceId: id });
        if (earlier) {
          const existing = await manager.findOneBy(Incident, { id: earlier });
          assertVisible(existing, earlier, actor);
          return { ...toIncidentView(existing), possibleDuplicates: [] };
        }
      }
      if (request.parentId) await this.assertCanBeParent(manager, request.parentId);
      const now = new Date();
      const incident = manager.create(Incident, {
        id,
        number: await nextHumanNumber(manager, 'incident', 'incident_number_seq', 'INC'),
        title: request.title,
        description: request.description ?? null,
        category: request.category ?? null,
        subcategory: request.subcategory ?? null,
        impact: request.impact,
        urgency: request.urgency,
        priority: priorityOf(request.impact, request.urgency, this.writer.matrix),
        priorityOverridden: false,
        state: IncidentState.New,
        holdReason: null,
        resolutionCode: null,
        resolutionNotes: null,
        callerId: request.callerId ?? actor.sub,
        callerName: request.callerId ? (request.callerName ?? null) : (actor.name ?? null),
        callerGroups,
        openedById: actor.sub,
        channel: request.channel ?? Channel.Api,
        assignmentGroup: request.assignmentGroup ?? null,
        assigneeId: request.assigneeId ?? null,
        reassignmentCount: 0,
        serviceId: request.serviceId ?? null,
        ciIds: request.ciIds ?? [],
        major: false,
        parentId: request.parentId ?? null,
        problemId: null,
        changeIds: [],
        mergedIntoId: null,
        reopenCount: 0,
        openedAt: now,
        respondedAt: request.assigneeId ? now : null,
        resolvedAt: null,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      if (!incident.assignmentGroup) {
        const rules = await manager.find(RoutingRule, { where: { enabled: true } });
        incident.assignmentGroup = routeIncident(rules, incident)?.assignmentGroup ?? null;
      }
      const view = await this.writer.insert(manager, incident, actor.sub, (created) => [
        eventOf(IncidentEvents.created, created),
        ...(created.assignmentGroup || created.assigneeId
          ? [eventOf(IncidentEvents.assigned, { incident: created, previousGroup: null, previousAssigneeId: null, reassignment: false })]
          : []),
      ]);
      return { ...view, possibleDuplicates: await this.possibleDuplicates(manager, incident) };
    });
  }

  /** Open incidents of the same category sharing a CI, opened within the duplicate window. */
  private async possibleDuplicates(manager: EntityManager, incident: Incident): Promise<IncidentRef[]> {
    if (!incident.category || incident.ciIds.length === 0 || this.writer.config.INCIDENT_DUPLICATE_WINDOW_MINUTES === 0) return [];
    return manager
      .createQueryBuilder(Incident, 'i')
      .select(['i.id', 'i.number', 'i.title', 'i.state'])
      .where('i.id <> :id', { id: incident.id })
      .andWhere('i.state IN (:...open)', { open: OPEN_STATES })
      .andWhere('lower(i.category) = lower(:category)', { category: incident.category })
      .andWhere('i.ci_ids && CAST(:ciIds AS uuid[])', { ciIds: incident.ciIds })
      .andWhere('i.created_at > now() - make_interval(mins => :minutes)', { minutes: this.writer.config.INCIDENT_DUPLICATE_WINDOW_MINUTES })
      .orderBy('i.created_at', 'DESC')
      .limit(5)
      .getMany()
      .then((rows) => rows.map((row) => ({ id: row.id, number: row.number, title: row.title, state: row.state })));
  }

  async get(id: string, actor: Actor): Promise<IncidentView> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id });
    assertVisible(incident, id, actor);
    return toIncidentView(incident);
  }

  /** Agents change fields; priority follows impact × urgency unless overridden with a reason. */
  async update(request: UpdateIncidentRequest, actor: Actor): Promise<IncidentView> {
    const changes = request.changes;
    if (!isAgent(actor)) throw forbidden('only agents may change an incident; add a comment instead');
    if (changes.priority && changes.priorityReason === undefined) {
      throw new DomainError(ErrorCode.VALIDATION, 'a manual priority needs priorityReason', { errors: [{ field: 'priorityReason', message: 'is required with priority' }] });
    }
    if (changes.priorityReason !== undefined && !changes.priority) {
      throw new DomainError(ErrorCode.VALIDATION, 'priorityReason only goes with a manual priority', { errors: [{ field: 'priorityReason', message: 'only applies with priority' }] });
    }
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, actor, request.expectedVersion);
      this.writer.assertOpenForChanges(incident);
      const before = toIncidentView(incident);
      if (changes.parentId !== undefined && changes.parentId !== incident.parentId && changes.parentId !== null) {
        await this.assertCanBeParent(manager, changes.parentId, incident.id);
      }
      this.applyFields(incident, changes);
      const priorityEvent = this.applyPriority(incident, changes, before);
      const assignment = this.applyAssignment(incident, changes.assignmentGroup, changes.assigneeId);
      const after = toIncidentView(incident);
      const fieldChanges = diffFields(before as never, after as never);
      if (fieldChanges.length === 0) return before;
      return this.writer.save(manager, incident, before, {
        actorId: actor.sub,
        action: 'updated',
        events: (view) => [
          eventOf(IncidentEvents.updated, { incident: view, changes: diffFields(before as never, view as never) }),
          ...(priorityEvent ? [eventOf(IncidentEvents.priorityChanged, { incident: view, ...priorityEvent })] : []),
          ...(assignment ? [eventOf(IncidentEvents.assigned, { incident: view, ...assignment })] : []),
        ],
      });
    });
  }

  private applyFields(incident: Incident, changes: UpdateIncidentDto): void {
    for (const field of PLAIN_FIELDS) {
      if (changes[field] !== undefined) (incident as unknown as Record<string, unknown>)[field] = changes[field];
    }
    if (changes.parentId !== undefined) incident.parentId = changes.parentId;
    if (changes.impact !== undefined) incident.impact = changes.impact;
    if (changes.urgency !== undefined) incident.urgency = changes.urgency;
  }

  /** Returns the priority_changed payload (without the incident) when the priority moved. */
  private applyPriority(
    incident: Incident,
    changes: UpdateIncidentDto,
    before: IncidentView,
  ): { from: Incident['priority']; to: Incident['priority']; overridden: boolean; reason?: string } | undefined {
    const levelsChanged = incident.impact !== before.impact || incident.urgency !== before.urgency;
    if (changes.priority) {
      incident.priority = changes.priority;
      incident.priorityOverridden = true;
    } else if (changes.priority === null || levelsChanged) {
      // Back to the matrix: on request, or because what an override was based on has changed.
      incident.priority = priorityOf(incident.impact, incident.urgency, this.writer.matrix);
      incident.priorityOverridden = false;
    }
    if (incident.priority === before.priority) return undefined;
    return { from: before.priority, to: incident.priority, overridden: incident.priorityOverridden, ...(changes.priorityReason ? { reason: changes.priorityReason } : {}) };
  }

  /** Applies a new group and/or assignee; returns the assigned payload (without the incident) when either changed. */
  applyAssignment(incident: Incident, group: string | null | undefined, assignee: string | null | undefined): AssignmentChange | undefined {
    const result = reassign(incident, group, assignee, new Date());
    if (!result) return undefined;
    Object.assign(incident, result.next);
    return result.change;
  }

  /** Managers declare a major incident (or withdraw the declaration); it has its own event. */
  async setMajor(request: SetMajorRequest, actor: Actor): Promise<IncidentView> {
    if (!isManager(actor)) throw forbidden('only managers may declare or withdraw a major incident');
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, actor, request.expectedVersion);
      this.writer.assertOpenForChanges(incident);
      if (incident.major === request.major) {
        throw new DomainError(ErrorCode.CONFLICT, `incident ${incident.number} is ${request.major ? 'already' : 'not'} a major incident`, { major: incident.major });
      }
      const before = toIncidentView(incident);
      incident.major = request.major;
      const event = request.major ? IncidentEvents.majorDeclared : IncidentEvents.majorUndeclared;
      return this.writer.save(manager, incident, before, {
        actorId: actor.sub,
        action: request.major ? 'major_declared' : 'major_undeclared',
        events: (view) => [eventOf(event, { incident: view, reason: request.reason })],
      });
    });
  }

  /** Makes incidents children of this one (e.g. the reports that a major incident explains). */
  async linkChildren(request: LinkChildrenRequest, actor: Actor): Promise<IncidentView> {
    if (!isAgent(actor)) throw forbidden('only agents may link incidents');
    const childIds = [...new Set(request.childIds)];
    return this.dataSource.transaction(async (manager) => {
      const parent = await this.writer.lock(manager, request.id, actor, request.expectedVersion);
      await this.assertCanBeParent(manager, parent.id);
      const children = await manager.find(Incident, { where: { id: In(childIds) }, lock: { mode: 'pessimistic_write' }, order: { id: 'ASC' } });
      const missing = childIds.filter((id) => !children.some((child) => child.id === id));
      if (missing.length > 0) throw new DomainError(ErrorCode.NOT_FOUND, `incidents not found: ${missing.join(', ')}`, { missing });
      for (const child of children) {
        if (child.parentId === parent.id) continue;
        this.writer.assertOpenForChanges(child);
        await this.assertCanBeParent(manager, parent.id, child.id);
        const before = toIncidentView(child);
        child.parentId = parent.id;
        await this.writer.save(manager, child, before, {
          actorId: actor.sub,
          action: 'updated',
          events: (view) => [eventOf(IncidentEvents.updated, { incident: view, changes: [{ field: 'parentId', from: before.parentId, to: parent.id }] })],
        });
      }
      return toIncidentView(parent);
    });
  }

  /** A parent must exist and be open, and (for `childId`) must not be the child itself or one of its descendants. */
  private async assertCanBeParent(manager: EntityManager, parentId: string, childId?: string): Promise<void> {
    if (parentId === childId) throw new DomainError(ErrorCode.CONFLICT, 'an incident cannot be its own parent', { errors: [{ field: 'parentId', message: 'is the incident itself' }] });
    const ancestors = (await manager.query(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, state, 0 AS depth FROM incident.incidents WHERE id = $1
         UNION ALL SELECT i.id, i.parent_id, i.state, up.depth + 1 FROM incident.incidents i JOIN up ON i.id = up.parent_id WHERE up.depth < 50)
       SELECT id, state FROM up`,
      [parentId],
    )) as Array<{ id: string; state: IncidentState }>;
    const parent = ancestors[0];
    if (!parent) throw new DomainError(ErrorCode.UNPROCESSABLE, `parent incident ${parentId} not found`, { errors: [{ field: 'parentId', message: 'no such incident' }] });
    if (!OPEN_STATES.includes(parent.state)) {
      throw new DomainError(ErrorCode.CONFLICT, `parent incident is ${parent.state}; only open incidents take children`, { errors: [{ field: 'parentId', message: `is ${parent.state}` }] });
    }
    if (childId && ancestors.some((ancestor) => ancestor.id === childId)) {
      throw new DomainError(ErrorCode.CONFLICT, 'linking would make a cycle of parents', { errors: [{ field: 'parentId', message: 'is a descendant of the incident' }] });
    }
  }
}

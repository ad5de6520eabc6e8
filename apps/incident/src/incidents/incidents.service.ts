import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  type Actor,
  Channel,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  IncidentError,
  IncidentErrorCode,
  IncidentEvents,
  type IncidentRef,
  IncidentState,
  type IncidentView,
  type LinkChildrenRequest,
  type SetMajorRequest,
  type UpdateIncidentDto,
  type UpdateIncidentRequest,
  priorityOf,
  diffFields,
} from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { claimIdempotencyKey } from '@itsm/persistence';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { IncidentConfig } from '../config';
import { assertMayOpen, assertVisible, callerGroupsAtOpening, visibleTo } from '../domain/access';
import { type AssignmentChange, reassign } from '../domain/assignment';
import { duplicateCriteria } from '../domain/duplicates';
import { assertOpenForChanges } from '../domain/incident-lifecycle';
import { assertCanBeParent } from '../domain/parents';
import { assertPriorityOverride } from '../domain/priority';
import { routeIncident } from '../domain/routing';
import { RoutingRulesService } from '../routing/routing-rules.service';
import { IncidentSettings } from './incident-settings';
import { Incident, toIncidentView } from './incident.entity';
import { IncidentWriter } from './incident.writer';
import { IncidentsRepository } from './incidents.repository';

/** Fields of the update body that are copied as they are. */
const PLAIN_FIELDS = ['title', 'description', 'category', 'subcategory', 'channel', 'serviceId', 'ciIds', 'changeIds'] as const;

@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: IncidentWriter,
    private readonly queries: IncidentsRepository,
    private readonly routing: RoutingRulesService,
    private readonly settings: IncidentSettings,
    @Inject(SERVICE_CONFIG) private readonly config: IncidentConfig,
  ) {}

  /**
   * Opens an incident: priority from the matrix, assignment by the routing rules unless an agent chose a
   * group, and possible duplicates in the reply. The row, its audit entry and its events commit together.
   */
  async create(input: CreateIncidentRequest, actor: Actor): Promise<CreatedIncidentView> {
    const { idempotencyKey, ...request } = input;
    assertMayOpen(request, actor);
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
      // Routing rules are read only when no group is given, by the statement that takes the number.
      const { number, rules } = await this.routing.numberAndRules(manager, !request.assignmentGroup);
      const incident = manager.create(Incident, {
        id,
        number,
        title: request.title,
        description: request.description ?? null,
        category: request.category ?? null,
        subcategory: request.subcategory ?? null,
        impact: request.impact,
        urgency: request.urgency,
        priority: priorityOf(request.impact, request.urgency, this.settings.priorityMatrix),
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
        suggestedArticles: [],
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
      if (!incident.assignmentGroup) incident.assignmentGroup = routeIncident(rules, incident)?.assignmentGroup ?? null;
      const view = await this.writer.insert(manager, incident, {
        actorId: actor.sub,
        events: (created) => [
          eventOf(IncidentEvents.created, created),
          ...(created.assignmentGroup || created.assigneeId
            ? [eventOf(IncidentEvents.assigned, { incident: created, previousGroup: null, previousAssigneeId: null, reassignment: false })]
            : []),
        ],
      });
      return { ...view, possibleDuplicates: await this.possibleDuplicates(manager, incident, actor) };
    });
  }

  private async possibleDuplicates(manager: EntityManager, incident: Incident, actor: Actor): Promise<IncidentRef[]> {
    const criteria = duplicateCriteria(incident, this.config.INCIDENT_DUPLICATE_WINDOW_MINUTES, actor);
    return criteria ? this.queries.possibleDuplicates(manager, criteria) : [];
  }

  async get(id: string, actor: Actor): Promise<IncidentView> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id });
    assertVisible(incident, id, actor);
    return toIncidentView(incident);
  }

  /** Changes fields; priority follows impact × urgency unless overridden with a reason. */
  async update(request: UpdateIncidentRequest, actor: Actor): Promise<IncidentView> {
    const changes = request.changes;
    assertPriorityOverride(changes);
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion, visible: visibleTo(actor) });
      assertOpenForChanges(incident);
      const before = toIncidentView(incident);
      if (changes.parentId !== undefined && changes.parentId !== incident.parentId && changes.parentId !== null) {
        await this.assertCanBeParent(manager, changes.parentId, incident.id);
      }
      this.applyFields(incident, changes);
      const priorityEvent = this.applyPriority(incident, changes, before);
      const assignment = applyAssignment(incident, changes.assignmentGroup, changes.assigneeId);
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
      incident.priority = priorityOf(incident.impact, incident.urgency, this.settings.priorityMatrix);
      incident.priorityOverridden = false;
    }
    if (incident.priority === before.priority) return undefined;
    return { from: before.priority, to: incident.priority, overridden: incident.priorityOverridden, ...(changes.priorityReason ? { reason: changes.priorityReason } : {}) };
  }

  /** Declares a major incident (or withdraws the declaration); it has its own event. */
  async setMajor(request: SetMajorRequest, actor: Actor): Promise<IncidentView> {
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion, visible: visibleTo(actor) });
      assertOpenForChanges(incident);
      if (incident.major === request.major) {
        throw new IncidentError(request.major ? IncidentErrorCode.AlreadyMajor : IncidentErrorCode.NotMajor, `incident ${incident.number} is ${request.major ? 'already' : 'not'} a major incident`, {
          major: incident.major,
        });
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
    const childIds = [...new Set(request.childIds)];
    return this.dataSource.transaction(async (manager) => {
      const parent = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion, visible: visibleTo(actor) });
      await this.assertCanBeParent(manager, parent.id);
      const children = await manager.find(Incident, { where: { id: In(childIds) }, lock: { mode: 'pessimistic_write' }, order: { id: 'ASC' } });
      const missing = childIds.filter((id) => !children.some((child) => child.id === id));
      if (missing.length > 0) throw new IncidentError(IncidentErrorCode.ChildNotFound, `incidents not found: ${missing.join(', ')}`, { missing });
      for (const child of children) {
        if (child.parentId === parent.id) continue;
        assertOpenForChanges(child);
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
    assertCanBeParent(parentId, childId, parentId === childId ? [] : await this.queries.ancestorsOf(manager, parentId));
  }
}

/** Applies a new group and/or assignee; returns the assigned payload (without the incident) when either changed. */
function applyAssignment(incident: Incident, group: string | null | undefined, assignee: string | null | undefined): AssignmentChange | undefined {
  const result = reassign(incident, group, assignee, new Date());
  if (!result) return undefined;
  Object.assign(incident, result.next);
  return result.change;
}

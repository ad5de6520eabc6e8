import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import {
  type Actor,
  CommentVisibility,
  type CommentView,
  DEFAULT_PAGE_SIZE,
  type HistoryEntry,
  type IncidentCounts,
  type IncidentFilters,
  type IncidentHistory,
  type IncidentPage,
  type IncidentRef,
  IncidentState,
  diffFields,
} from '@itsm/contracts';
import { AuditEntry, decodeCursor, encodeCursor, isUuid } from '@itsm/persistence';
import { assertVisible, isAgent, seesWorkNotes } from '../domain/access';
import type { DuplicateCriteria } from '../domain/duplicates';
import { type EscalationRecord, escalationChange } from '../domain/escalation';
import type { AncestorLink } from '../domain/parents';
import { INCIDENT_SEARCH_VECTOR } from './incident-search';
import { Incident, toIncidentView } from './incident.entity';

/** Sort keys: API name → column; each list is ordered by the key and then by id, so pages never overlap. */
const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', priority: 'priority', number: 'number' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** What a sort key's value in a cursor may look like; anything else would fail in SQL. */
const CURSOR_VALUE: Readonly<Record<SortKey, RegExp>> = { createdAt: ISO_INSTANT, updatedAt: ISO_INSTANT, priority: /^P[1-5]$/, number: /^INC\d{7,}$/ };

/** Queries over incidents: the queue, its counts, the audit trail, the chain of parents and possible duplicates. */
@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: IncidentFilters, actor: Actor): Promise<IncidentPage> {
    const sort = filters.sort ?? '-createdAt';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = `i.${SORT_COLUMNS[key]}`;
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(filters, actor, true);
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(
        filters.cursor,
        3,
        ([cursorSort, v, i]) =>
          cursorSort === sort && typeof v === 'string' && CURSOR_VALUE[key].test(v) && !(CURSOR_VALUE[key] === ISO_INSTANT && Number.isNaN(Date.parse(v))) && isUuid(i),
      );
      const operator = descending ? '<' : '>';
      const typed = key === 'createdAt' || key === 'updatedAt' ? 'CAST(:after AS timestamptz)' : ':after';
      query.andWhere(`(${column}, i.id) ${operator} (${typed}, :afterId)`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('i.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toIncidentView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }

  async counts(filters: IncidentFilters, actor: Actor): Promise<IncidentCounts> {
    const rows = await this.filtered(filters, actor, false).select('i.state', 'state').addSelect('count(*)::int', 'count').groupBy('i.state').getRawMany<{ state: IncidentState; count: number }>();
    const byState = Object.fromEntries(Object.values(IncidentState).map((state) => [state, 0])) as Record<IncidentState, number>;
    for (const row of rows) byState[row.state] = row.count;
    return { total: rows.reduce((sum, row) => sum + row.count, 0), byState };
  }

  private filtered(filters: IncidentFilters, actor: Actor, withState: boolean): SelectQueryBuilder<Incident> {
    const query = this.dataSource.getRepository(Incident).createQueryBuilder('i');
    // A requester's queue is their own incidents, whatever the filters say.
    if (!isAgent(actor)) query.andWhere('i.caller_id = :self', { self: actor.sub });
    if (withState && filters.state?.length) query.andWhere('i.state IN (:...states)', { states: filters.state });
    if (filters.priority?.length) query.andWhere('i.priority IN (:...priorities)', { priorities: filters.priority });
    if (filters.assignmentGroup) query.andWhere('i.assignment_group = :group', { group: filters.assignmentGroup });
    if (filters.assigneeId) query.andWhere('i.assignee_id = :assignee', { assignee: filters.assigneeId });
    if (filters.callerId) query.andWhere('i.caller_id = :caller', { caller: filters.callerId });
    if (filters.category) query.andWhere('lower(i.category) = lower(:category)', { category: filters.category });
    if (filters.ciId) query.andWhere('i.ci_ids @> ARRAY[CAST(:ci AS uuid)]', { ci: filters.ciId });
    if (filters.serviceId) query.andWhere('i.service_id = :service', { service: filters.serviceId });
    if (filters.major !== undefined) query.andWhere('i.major = :major', { major: filters.major });
    if (filters.createdFrom) query.andWhere('i.created_at >= :createdFrom', { createdFrom: filters.createdFrom });
    if (filters.createdTo) query.andWhere('i.created_at < :createdTo', { createdTo: filters.createdTo });
    if (filters.updatedFrom) query.andWhere('i.updated_at >= :updatedFrom', { updatedFrom: filters.updatedFrom });
    if (filters.updatedTo) query.andWhere('i.updated_at < :updatedTo', { updatedTo: filters.updatedTo });
    if (filters.q) query.andWhere(`${INCIDENT_SEARCH_VECTOR.replace(/\b(title|description)\b/g, 'i.$1')} @@ websearch_to_tsquery('simple', :q)`, { q: filters.q });
    return query;
  }

  /** Every recorded change of an incident with who made it; requesters do not see work notes. */
  async history(id: string, actor: Actor): Promise<IncidentHistory> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id });
    assertVisible(incident, id, actor);
    const entries = await this.dataSource.getRepository(AuditEntry).find({ where: { entityType: 'incident', entityId: id }, order: { id: 'ASC' } });
    const items: HistoryEntry[] = [];
    for (const entry of entries) {
      const at = entry.at.toISOString();
      if (entry.action === 'comment_added') {
        const comment = entry.after as CommentView;
        if (!seesWorkNotes(actor) && comment.visibility !== CommentVisibility.Public) continue;
        items.push({ at, actorId: entry.actorId, action: entry.action, changes: [], comment });
      } else if (entry.action === 'duplicate_merged') {
        items.push({ at, actorId: entry.actorId, action: entry.action, changes: [{ field: 'duplicate', from: null, to: (entry.after as { duplicate: unknown }).duplicate }] });
      } else {
        // An escalation's row keeps the escalation beside the incident, so one that changed no field still says what happened.
        const { escalation, ...after } = (entry.after ?? {}) as Record<string, unknown> & { escalation?: EscalationRecord };
        const changes = diffFields(entry.before as Record<string, unknown> | null, entry.after ? after : null);
        items.push({ at, actorId: entry.actorId, action: entry.action, changes: escalation ? [...changes, escalationChange(escalation)] : changes });
      }
    }
    return { items };
  }

  /** The incident and its chain of parents upwards (nearest first), for the parent rules; empty when it does not exist. */
  async ancestorsOf(manager: EntityManager, id: string): Promise<AncestorLink[]> {
    return (await manager.query(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, state, 0 AS depth FROM incident.incidents WHERE id = $1
         UNION ALL SELECT i.id, i.parent_id, i.state, up.depth + 1 FROM incident.incidents i JOIN up ON i.id = up.parent_id WHERE up.depth < 50)
       SELECT id, state FROM up ORDER BY depth`,
      [id],
    )) as AncestorLink[];
  }

  /** The newest five incidents meeting the duplicate criteria (see `duplicateCriteria`), compared with the database's clock. */
  async possibleDuplicates(manager: EntityManager, criteria: DuplicateCriteria): Promise<IncidentRef[]> {
    const query = manager
      .createQueryBuilder(Incident, 'i')
      .select(['i.id', 'i.number', 'i.title', 'i.state'])
      .where('i.id <> :id', { id: criteria.excludeId })
      .andWhere('i.state IN (:...open)', { open: criteria.states })
      .andWhere('lower(i.category) = lower(:category)', { category: criteria.category })
      .andWhere('i.ci_ids && CAST(:ciIds AS uuid[])', { ciIds: criteria.ciIds })
      .andWhere('i.created_at > now() - make_interval(mins => :minutes)', { minutes: criteria.windowMinutes });
    if (criteria.callerId !== null) query.andWhere('i.caller_id = :callerId', { callerId: criteria.callerId });
    const rows = await query.orderBy('i.created_at', 'DESC').limit(5).getMany();
    return rows.map((row) => ({ id: row.id, number: row.number, title: row.title, state: row.state }));
  }
}

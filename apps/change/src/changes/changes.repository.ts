import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { type ChangeCommentView, type ChangeFilters, type ChangeHistory, type ChangeHistoryEntry, type ChangePage, DEFAULT_PAGE_SIZE, diffFields } from '@itsm/contracts';
import { AuditEntry, decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { changeNotFound } from '../domain/access';
import { Change, toChangeView } from './change.entity';

/**
 * The text-search document of a change; queries must use exactly this expression so that PostgreSQL uses the
 * `changes_search_idx` GIN index (the migration holds its own copy: changing it here needs a new migration).
 */
const CHANGE_SEARCH_VECTOR = `to_tsvector('simple', c.title || ' ' || c.description)`;

/** Sort keys: API name → column; each list is ordered by the key and then by id, so pages never overlap. */
const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', plannedStart: 'planned_start', number: 'number' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

/** What a sort key's value in a cursor may look like; anything else would fail in SQL. */
const CURSOR_VALUE: Readonly<Record<SortKey, (value: string) => boolean>> = {
  createdAt: isIsoInstant,
  updatedAt: isIsoInstant,
  plannedStart: isIsoInstant,
  number: (value) => /^CHG\d{7,}$/.test(value),
};

/** The audit action of a comment; its `after` is the comment as shown. */
export const COMMENT_ADDED = 'comment_added';

/** Queries over changes: the list with its filters, sorts and cursor, the audit trail and the comments kept in it. */
@Injectable()
export class ChangesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: ChangeFilters): Promise<ChangePage> {
    const sort = filters.sort ?? '-createdAt';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = `c.${SORT_COLUMNS[key]}`;
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(filters);
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(filters.cursor, 3, ([cursorSort, v, i]) => cursorSort === sort && typeof v === 'string' && CURSOR_VALUE[key](v) && isUuid(i));
      const typed = key === 'number' ? ':after' : 'CAST(:after AS timestamptz)';
      query.andWhere(`(${column}, c.id) ${descending ? '<' : '>'} (${typed}, :afterId)`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('c.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toChangeView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }

  private filtered(filters: ChangeFilters): SelectQueryBuilder<Change> {
    const query = this.dataSource.getRepository(Change).createQueryBuilder('c');
    if (filters.state?.length) query.andWhere('c.state IN (:...states)', { states: filters.state });
    if (filters.type?.length) query.andWhere('c.type IN (:...types)', { types: filters.type });
    if (filters.riskLevel?.length) query.andWhere('c.risk_level IN (:...riskLevels)', { riskLevels: filters.riskLevel });
    if (filters.assignmentGroup) query.andWhere('c.assignment_group = :group', { group: filters.assignmentGroup });
    if (filters.implementerId) query.andWhere('c.implementer_id = :implementer', { implementer: filters.implementerId });
    if (filters.ciId) query.andWhere('c.ci_ids @> ARRAY[CAST(:ci AS uuid)]', { ci: filters.ciId });
    // Windows are half-open [start, end): the ones overlapping [from, to).
    if (filters.from) query.andWhere('c.planned_end > CAST(:from AS timestamptz)', { from: filters.from });
    if (filters.to) query.andWhere('c.planned_start < CAST(:to AS timestamptz)', { to: filters.to });
    if (filters.q) query.andWhere(`${CHANGE_SEARCH_VECTOR} @@ websearch_to_tsquery('simple', :q)`, { q: filters.q });
    return query;
  }

  /** Every recorded change of a change request with who made it, oldest first; a comment is shown whole. */
  async history(id: string): Promise<ChangeHistory> {
    await this.assertExists(id);
    const entries = await this.dataSource.getRepository(AuditEntry).find({ where: { entityType: 'change', entityId: id }, order: { id: 'ASC' } });
    const items = entries.map((entry): ChangeHistoryEntry => {
      const at = entry.at.toISOString();
      if (entry.action === COMMENT_ADDED) return { at, actorId: entry.actorId, action: entry.action, changes: [], comment: entry.after as ChangeCommentView };
      return { at, actorId: entry.actorId, action: entry.action, changes: diffFields(entry.before as Record<string, unknown> | null, entry.after as Record<string, unknown> | null) };
    });
    return { items };
  }

  /** The comments and work notes of a change, in the order written (they are kept as its audit entries). */
  async comments(id: string): Promise<ChangeCommentView[]> {
    await this.assertExists(id);
    const entries = await this.dataSource.getRepository(AuditEntry).find({ where: { entityType: 'change', entityId: id, action: COMMENT_ADDED }, order: { id: 'ASC' } });
    return entries.map((entry) => entry.after as ChangeCommentView);
  }

  private async assertExists(id: string): Promise<void> {
    if (!(await this.dataSource.getRepository(Change).existsBy({ id }))) throw changeNotFound(id);
  }
}

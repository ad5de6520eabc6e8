import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { DEFAULT_PAGE_SIZE, type ProblemCommentView, type ProblemFilters, type ProblemHistory, type ProblemHistoryEntry, type ProblemPage, diffFields } from '@itsm/contracts';
import { AuditEntry, decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { problemNotFound } from '../domain/access';
import { Problem, toProblemView } from './problem.entity';

/**
 * The text-search document of a problem; queries must use exactly this expression so that PostgreSQL uses the
 * `problems_search_idx` GIN index (the migration holds its own copy: changing it here needs a new migration).
 */
const PROBLEM_SEARCH_VECTOR = `to_tsvector('simple', p.title || ' ' || p.description)`;

/** Sort keys: API name → column; each list is ordered by the key and then by id, so pages never overlap. */
const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', priority: 'priority', number: 'number' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

/** What a sort key's value in a cursor may look like; anything else would fail in SQL. */
const CURSOR_VALUE: Readonly<Record<SortKey, (value: string) => boolean>> = {
  createdAt: isIsoInstant,
  updatedAt: isIsoInstant,
  priority: (value) => /^P[1-5]$/.test(value),
  number: (value) => /^PRB\d{7,}$/.test(value),
};

/** Queries over problems: the list with its filters, sorts and cursor, and the audit trail. */
@Injectable()
export class ProblemsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: ProblemFilters): Promise<ProblemPage> {
    const sort = filters.sort ?? '-createdAt';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = `p.${SORT_COLUMNS[key]}`;
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(filters);
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(filters.cursor, 3, ([cursorSort, v, i]) => cursorSort === sort && typeof v === 'string' && CURSOR_VALUE[key](v) && isUuid(i));
      const typed = key === 'createdAt' || key === 'updatedAt' ? 'CAST(:after AS timestamptz)' : ':after';
      query.andWhere(`(${column}, p.id) ${descending ? '<' : '>'} (${typed}, :afterId)`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('p.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toProblemView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }

  private filtered(filters: ProblemFilters): SelectQueryBuilder<Problem> {
    const query = this.dataSource.getRepository(Problem).createQueryBuilder('p');
    if (filters.state?.length) query.andWhere('p.state IN (:...states)', { states: filters.state });
    if (filters.priority?.length) query.andWhere('p.priority IN (:...priorities)', { priorities: filters.priority });
    if (filters.assignmentGroup) query.andWhere('p.assignment_group = :group', { group: filters.assignmentGroup });
    if (filters.assigneeId) query.andWhere('p.assignee_id = :assignee', { assignee: filters.assigneeId });
    if (filters.ciId) query.andWhere('p.ci_ids @> ARRAY[CAST(:ci AS uuid)]', { ci: filters.ciId });
    if (filters.serviceId) query.andWhere('p.service_id = :service', { service: filters.serviceId });
    if (filters.category) query.andWhere('lower(p.category) = lower(:category)', { category: filters.category });
    if (filters.knownError !== undefined) query.andWhere(filters.knownError ? 'p.known_error_id IS NOT NULL' : 'p.known_error_id IS NULL');
    if (filters.detected !== undefined) query.andWhere('p.detected = :detected', { detected: filters.detected });
    if (filters.q) query.andWhere(`${PROBLEM_SEARCH_VECTOR} @@ websearch_to_tsquery('simple', :q)`, { q: filters.q });
    return query;
  }

  /** Every recorded change of a problem with who made it, oldest first; a comment is shown whole. */
  async history(id: string): Promise<ProblemHistory> {
    if (!(await this.dataSource.getRepository(Problem).existsBy({ id }))) throw problemNotFound(id);
    const entries = await this.dataSource.getRepository(AuditEntry).find({ where: { entityType: 'problem', entityId: id }, order: { id: 'ASC' } });
    const items = entries.map((entry): ProblemHistoryEntry => {
      const at = entry.at.toISOString();
      if (entry.action === 'comment_added') return { at, actorId: entry.actorId, action: entry.action, changes: [], comment: entry.after as ProblemCommentView };
      return { at, actorId: entry.actorId, action: entry.action, changes: diffFields(entry.before as Record<string, unknown> | null, entry.after as Record<string, unknown> | null) };
    });
    return { items };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { DEFAULT_PAGE_SIZE, type ListReleasesRequest, type ReleasePage } from '@itsm/contracts';
import { decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { Release, toReleaseView } from './release.entity';

/** Sort keys: API name → column; each list is ordered by the key and then by id, so pages never overlap. */
const SORT_COLUMNS = { createdAt: 'created_at', plannedStart: 'planned_start', number: 'number' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

/** What a sort key's value in a cursor may look like; anything else would fail in SQL. */
const CURSOR_VALUE: Readonly<Record<SortKey, (value: string) => boolean>> = {
  createdAt: isIsoInstant,
  plannedStart: isIsoInstant,
  number: (value) => /^REL\d{7,}$/.test(value),
};

/** Queries over releases: the list with its filters, sorts and cursor. */
@Injectable()
export class ReleasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: ListReleasesRequest): Promise<ReleasePage> {
    const sort = filters.sort ?? '-createdAt';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = `r.${SORT_COLUMNS[key]}`;
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(filters);
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(filters.cursor, 3, ([cursorSort, v, i]) => cursorSort === sort && typeof v === 'string' && CURSOR_VALUE[key](v) && isUuid(i));
      const typed = key === 'number' ? ':after' : 'CAST(:after AS timestamptz)';
      query.andWhere(`(${column}, r.id) ${descending ? '<' : '>'} (${typed}, :afterId)`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('r.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toReleaseView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }

  private filtered(filters: ListReleasesRequest): SelectQueryBuilder<Release> {
    const query = this.dataSource.getRepository(Release).createQueryBuilder('r');
    if (filters.state?.length) query.andWhere('r.state IN (:...states)', { states: filters.state });
    if (filters.changeId) query.andWhere('r.change_ids @> ARRAY[CAST(:change AS uuid)]', { change: filters.changeId });
    // Releases are few: the words are matched without an index of their own.
    if (filters.q) query.andWhere(`to_tsvector('simple', r.name || ' ' || r.description) @@ websearch_to_tsquery('simple', :q)`, { q: filters.q });
    return query;
  }
}

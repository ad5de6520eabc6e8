import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CiPage, type CiSort, DEFAULT_PAGE_SIZE, type ListCisRequest } from '@itsm/contracts';
import { decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { Ci, toCiView } from './ci.entity';

/** Sort keys: API name → column; each list is ordered by the key and then by id, so pages never overlap. */
const SORT_COLUMNS = { name: 'name', createdAt: 'created_at', updatedAt: 'updated_at', criticality: 'criticality' } as const;
type SortKey = keyof typeof SORT_COLUMNS;

const IDENTIFIER_FILTERS = ['hostname', 'serial', 'fqdn', 'ip', 'cloudId', 'k8sUid'] as const;

/** Whether a sort key's value in a cursor can be what this list put there; anything else would fail in SQL. */
function acceptsCursorValue(key: SortKey, value: unknown): boolean {
  switch (key) {
    case 'name':
      return typeof value === 'string' && value.length <= 200;
    case 'criticality':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4;
    default:
      return isIsoInstant(value);
  }
}

/** `labels.app:web` → `{ labels: { app: value } }`: what jsonb containment needs to find the value at that path. */
function nested(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** The JSON values an `attr` filter value stands for: the text itself, and the number or boolean it reads as. */
export function attributeFilterDocuments(filter: string): Array<Record<string, unknown>> {
  const colon = filter.indexOf(':');
  const path = filter.slice(0, colon).split('.');
  const text = filter.slice(colon + 1);
  const documents = [nested(path, text)];
  if (/^-?(0|[1-9]\d{0,14})(\.\d{1,10})?$/.test(text)) documents.push(nested(path, Number(text)));
  if (text === 'true' || text === 'false') documents.push(nested(path, text === 'true'));
  return documents;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Queries over CIs: the filtered list, a page at a time. */
@Injectable()
export class CisRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filters: ListCisRequest): Promise<CiPage> {
    const sort: CiSort = filters.sort ?? 'name';
    const descending = sort.startsWith('-');
    const key = (descending ? sort.slice(1) : sort) as SortKey;
    const column = `c.${SORT_COLUMNS[key]}`;
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.dataSource.getRepository(Ci).createQueryBuilder('c');
    if (filters.className) query.andWhere('c.class_name = :className', { className: filters.className });
    if (filters.environment) query.andWhere('c.environment = :environment', { environment: filters.environment });
    if (filters.status?.length) query.andWhere('c.status IN (:...statuses)', { statuses: filters.status });
    if (filters.ownerGroup) query.andWhere('c.owner_group = :ownerGroup', { ownerGroup: filters.ownerGroup });
    if (filters.q) query.andWhere(`lower(c.name) LIKE :pattern ESCAPE '\\'`, { pattern: likePattern(filters.q) });
    const identifiers = Object.fromEntries(IDENTIFIER_FILTERS.filter((name) => filters[name] !== undefined).map((name) => [name, filters[name]]));
    if (Object.keys(identifiers).length > 0) query.andWhere('c.identifiers @> CAST(:identifiers AS jsonb)', { identifiers: JSON.stringify(identifiers) });
    (filters.attr ?? []).forEach((filter, index) => {
      const documents = attributeFilterDocuments(filter);
      const alternatives = documents.map((_document, n) => `c.attributes @> CAST(:attr_${index}_${n} AS jsonb)`).join(' OR ');
      query.andWhere(`(${alternatives})`, Object.fromEntries(documents.map((document, n) => [`attr_${index}_${n}`, JSON.stringify(document)])));
    });
    if (filters.cursor) {
      // The cursor carries its sort, so one from another ordering is refused rather than misread.
      const [, value, id] = decodeCursor(filters.cursor, 3, ([cursorSort, v, i]) => cursorSort === sort && acceptsCursorValue(key, v) && isUuid(i));
      const operator = descending ? '<' : '>';
      const typed = key === 'createdAt' || key === 'updatedAt' ? 'CAST(:after AS timestamptz)' : ':after';
      query.andWhere(`(${column}, c.id) ${operator} (${typed}, CAST(:afterId AS uuid))`, { after: value, afterId: id });
    }
    const rows = await query
      .orderBy(column, descending ? 'DESC' : 'ASC')
      .addOrderBy('c.id', descending ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toCiView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([sort, last[key], last.id]) : null };
  }
}

import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { DEFAULT_PAGE_SIZE, type KnownErrorHit, type KnownErrorPage, type SearchKnownErrorsRequest } from '@itsm/contracts';
import { decodeCursor, encodeCursor, isIsoInstant, isUuid } from '@itsm/persistence';
import { KNOWN_ERROR_HEADLINE_OPTIONS, KNOWN_ERROR_SEARCH_VECTOR, snippetHtml } from './known-error-search';
import { KnownError, toKnownErrorView } from './known-error.entity';

/** How deep a ranked search pages; a cursor further on is refused (a search that needs it should be narrowed). */
const MAX_RANKED_OFFSET = 10_000;

const QUERY = `websearch_to_tsquery('english', :q)`;

/**
 * Full-text search over known errors.
 *
 * Paging: without `q` the list is ordered by `publishedAt` then id (newest first), and the cursor is that position
 * (`['recent', publishedAt, id]`), stable under inserts. With `q` it is ordered by rank, then `publishedAt` and id
 * (a total order, so equal ranks never swap between pages). A rank is a float of the query and the document, not a
 * column, so the cursor carries the offset of the next page instead (`['ranked', fingerprint, offset]`); the
 * fingerprint is a hash of `q` and the filters, so a cursor is only accepted by the search that made it. A known
 * error published or edited between two pages may shift the rest by one, which is what any ranked search does.
 *
 * `websearch_to_tsquery` reads any text (unbalanced quotes, `%`, `\`, operators alone) without a syntax error, and
 * `q` is a bound parameter; text no column can hold (NUL) is refused by request validation before it gets here.
 */
@Injectable()
export class KnownErrorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(request: SearchKnownErrorsRequest): Promise<KnownErrorPage> {
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.filtered(request);
    return request.q === undefined ? this.newest(query, request, limit) : this.ranked(query, request, request.q, limit);
  }

  private async ranked(query: SelectQueryBuilder<KnownError>, request: SearchKnownErrorsRequest, q: string, limit: number): Promise<KnownErrorPage> {
    const fingerprint = fingerprintOf(q, request);
    const offset = request.cursor
      ? (decodeCursor(request.cursor, 3, ([kind, f, o]) => kind === 'ranked' && f === fingerprint && Number.isInteger(o) && (o as number) > 0 && (o as number) <= MAX_RANKED_OFFSET)[2] as number)
      : 0;
    const rank = `ts_rank(${KNOWN_ERROR_SEARCH_VECTOR}, ${QUERY})`;
    const { entities, raw } = await query
      .addSelect(rank, 'rank')
      .addSelect(`ts_headline('english', concat_ws(' … ', k.title, k.symptoms, k.root_cause, k.workaround), ${QUERY}, :headline)`, 'snippet')
      .andWhere(`${KNOWN_ERROR_SEARCH_VECTOR} @@ ${QUERY}`)
      .setParameters({ q, headline: KNOWN_ERROR_HEADLINE_OPTIONS })
      .orderBy(rank, 'DESC')
      .addOrderBy('k.published_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .offset(offset)
      .limit(limit + 1)
      .getRawAndEntities<{ k_id: string; rank: number; snippet: string }>();
    const found = new Map(raw.map((row) => [row.k_id, row]));
    const items: KnownErrorHit[] = entities.slice(0, limit).map((knownError) => {
      const hit = found.get(knownError.id);
      return { ...toKnownErrorView(knownError), snippet: hit?.snippet ? snippetHtml(hit.snippet) : null, rank: hit ? Number(hit.rank) : null };
    });
    const nextOffset = offset + limit;
    return { items, nextCursor: entities.length > limit && nextOffset <= MAX_RANKED_OFFSET ? encodeCursor(['ranked', fingerprint, nextOffset]) : null };
  }

  private async newest(query: SelectQueryBuilder<KnownError>, request: SearchKnownErrorsRequest, limit: number): Promise<KnownErrorPage> {
    if (request.cursor) {
      const [, at, id] = decodeCursor(request.cursor, 3, ([kind, a, i]) => kind === 'recent' && isIsoInstant(a) && isUuid(i));
      query.andWhere('(k.published_at, k.id) < (CAST(:at AS timestamptz), :id)', { at, id });
    }
    const rows = await query.orderBy('k.published_at', 'DESC').addOrderBy('k.id', 'DESC').limit(limit + 1).getMany();
    const items: KnownErrorHit[] = rows.slice(0, limit).map((knownError) => ({ ...toKnownErrorView(knownError), snippet: null, rank: null }));
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(['recent', last.publishedAt.toISOString(), last.id]) : null };
  }

  private filtered(request: SearchKnownErrorsRequest): SelectQueryBuilder<KnownError> {
    const query = this.dataSource.getRepository(KnownError).createQueryBuilder('k');
    if (request.state) query.andWhere('k.state = :state', { state: request.state });
    if (request.ciId) query.andWhere('k.ci_ids @> ARRAY[CAST(:ci AS uuid)]', { ci: request.ciId });
    if (request.serviceId) query.andWhere('k.service_id = :service', { service: request.serviceId });
    if (request.category) query.andWhere('lower(k.category) = lower(:category)', { category: request.category });
    return query;
  }
}

function fingerprintOf(q: string, request: SearchKnownErrorsRequest): string {
  const scope = [q, request.state ?? null, request.ciId ?? null, request.serviceId ?? null, request.category?.toLowerCase() ?? null];
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);
}

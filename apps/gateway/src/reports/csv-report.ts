import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, NotAcceptableException, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtraModels, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { problemResponse } from '../errors/api-problem-responses.decorator';
import { CSV_MEDIA_TYPE, CSV_UTF8, csvFileName, REPORT_JSON_MEDIA_TYPE, reportFormatFor, reportNameOf, toCsv } from './csv';

export const CSV_REPORT = 'itsm:csv-report';

/** How a report's body becomes one table. */
export interface CsvShape<T> {
  /** The header row, in order: a field of the row, or a dotted path into a nested group of it (`business.mean`). */
  columns: readonly string[];
  /** The rows of the table, one object per row (lists of the report unwound, the report's own figures repeated or added as rows). */
  rows: (report: T) => readonly object[];
  /** A report as the route answers it: the OpenAPI example of the CSV is made from it by the same code. */
  example: T;
}

const NOT_ACCEPTABLE = 'this report is answered as application/json or text/csv, and the Accept header allows neither';

/**
 * Answers a report route as JSON (the default) or, when the caller's `Accept` prefers `text/csv`, as CSV made by the
 * route's {@link CsvShape}; 406 when `Accept` allows neither. Report routes answer `Vary: Accept`.
 */
@Injectable()
export class CsvReportInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const shape = this.reflector.get<CsvShape<unknown> | undefined>(CSV_REPORT, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('vary', 'Accept');
    const format = reportFormatFor(request.headers.accept);
    // Refused before the service is asked: nothing it would answer could be sent.
    if (format === undefined) throw new NotAcceptableException(NOT_ACCEPTABLE);
    if (format === 'json' || !shape) return next.handle();
    return next.handle().pipe(
      map((report: unknown) => {
        const body = report as Record<string, unknown>;
        const query = request.query as Record<string, unknown>;
        const name = reportNameOf(request.routeOptions.url ?? request.url.split('?')[0] ?? '');
        void reply.type(CSV_UTF8).header('content-disposition', `attachment; filename="${csvFileName(name, body['from'] ?? query['from'], body['to'] ?? query['to'])}"`);
        // A page of a list keeps its way to the next page, which has no place in the table (RFC 8288).
        if (typeof body['nextCursor'] === 'string') void reply.header('link', `<${nextPageOf(request.url, body['nextCursor'])}>; rel="next"`);
        return toCsv(shape.columns, shape.rows(report));
      }),
    );
  }
}

function nextPageOf(url: string, cursor: string): string {
  const next = new URL(url, 'http://gateway.invalid');
  next.searchParams.set('cursor', cursor);
  return `${next.pathname}${next.search}`;
}

/**
 * Makes a report route answer CSV too (`Accept: text/csv`), with `shape` saying how its body becomes a table, and
 * documents both formats of its 200 (`type` is the JSON schema) and its 406. Put it on every `/v1/reports/...` route.
 */
export function CsvReport<T>(type: new (...args: never[]) => T, shape: CsvShape<T>): MethodDecorator {
  const fields = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, type.prototype) ?? []) as string[];
  const paged = fields.includes(':nextCursor');
  return applyDecorators(
    SetMetadata(CSV_REPORT, shape),
    UseInterceptors(CsvReportInterceptor),
    ApiExtraModels(type),
    ApiOkResponse({
      description: `The report: \`${REPORT_JSON_MEDIA_TYPE}\` unless \`Accept\` prefers \`${CSV_MEDIA_TYPE}\`, then \`${CSV_UTF8}\` (RFC 4180, a header row, CRLF line ends; text cells starting with \`=\`, \`+\`, \`-\`, \`@\`, tab or CR begin with \`'\`).`,
      headers: {
        'Content-Disposition': { description: 'With CSV: `attachment; filename="<report>-<from>-<to>.csv"` (`<report>.csv` for a report without a period).', schema: { type: 'string' } },
        Vary: { description: '`Accept`: the format depends on it.', schema: { type: 'string' } },
        ...(paged ? { Link: { description: 'With CSV, while there is a next page: `<url>; rel="next"`, the url being this one with `cursor` set to the next page.', schema: { type: 'string' } } } : {}),
      },
      content: {
        [REPORT_JSON_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(type) } },
        [CSV_MEDIA_TYPE]: { schema: { type: 'string' }, example: toCsv(shape.columns, shape.rows(shape.example)) },
      },
    }),
    ApiResponse({ status: 406, ...problemResponse(406), description: 'The `Accept` header allows neither `application/json` nor `text/csv`.' }),
  );
}

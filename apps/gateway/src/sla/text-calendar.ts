/** Holiday files sent as they are (`Content-Type: text/calendar`) instead of wrapped in JSON. */
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { QueryBoolean } from '@itsm/contracts';

export const TEXT_CALENDAR = 'text/calendar';

function isTextCalendar(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === TEXT_CALENDAR;
}

/** Lets Fastify read `text/calendar` bodies, as text, on the routes that take them (`@AcceptsBody`); the others answer 415. */
export function acceptTextCalendar(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser(TEXT_CALENDAR)) return;
  fastify.addContentTypeParser(TEXT_CALENDAR, { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/**
 * Makes a `text/calendar` body `{ ics: <text> }` before the validation pipe sees it, so the route checks one
 * shape whichever way the file came.
 */
@Injectable()
export class TextCalendarBody implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (isTextCalendar(request.headers['content-type'])) request.body = { ics: typeof request.body === 'string' ? request.body : '' };
    return next.handle();
  }
}

/**
 * `?fromYear=&toYear=&replace=` of a holiday import: the only place for them when the body is the iCalendar text
 * itself. With a JSON body the same fields may be in the body, which wins.
 */
export class ImportHolidaysOptions {
  @ApiPropertyOptional({ type: 'integer', minimum: 1970, maximum: 2200, description: 'First year to take recurring holidays for; default this year.', example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1970)
  @Max(2200)
  fromYear?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1970, maximum: 2200, description: 'Last year to take recurring holidays for; default five years after `fromYear`.', example: 2030 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1970)
  @Max(2200)
  toYear?: number;

  @ApiPropertyOptional({ description: 'Replace the calendar’s holidays instead of adding to them.', default: false })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  replace?: boolean;
}

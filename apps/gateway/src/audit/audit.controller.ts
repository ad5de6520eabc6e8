import { applyDecorators, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuditPage, AuditQuery, AuditRpc } from '@itsm/contracts';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses, problemResponse } from '../errors/api-problem-responses.decorator';
import { AuditTrailService } from './audit-trail.service';

const EXAMPLE_PAGE = {
  items: [
    {
      service: 'incident',
      id: '1042',
      at: '2026-11-02T09:30:00.123456Z',
      entityType: 'incident',
      entityId: '3f0c2a9e-6b1d-4c55-9a57-2f1d7f0b8e21',
      action: 'updated',
      actorId: 'sam',
      correlationId: 'c0a8012e-5f1b-4b7e-9d7a-61b1f0c3a2d4',
      changes: [{ field: 'priority', from: 'P3', to: 'P1' }],
      before: { number: 'INC0001042', priority: 'P3', version: 3 },
      after: { number: 'INC0001042', priority: 'P1', version: 4 },
    },
    {
      service: 'change',
      id: '77',
      at: '2026-11-02T09:29:58.004211Z',
      entityType: 'change',
      entityId: '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      action: 'created',
      actorId: 'api-key:5b7e9d7a-61b1-4f0c-a2d4-c0a8012e5f1b',
      correlationId: '0b9f2c1e-7d3a-4e5f-8a6b-9c0d1e2f3a4b',
      changes: [{ field: 'title', from: null, to: 'Patch the VPN gateway' }],
      before: null,
      after: { title: 'Patch the VPN gateway', version: 1 },
    },
  ],
  nextCursor: 'eyJjaGFuZ2UiOlsiMjAyNi0xMS0wMlQwOToyOTo1OC4wMDQyMTFaIiwiNzciXX0',
};

/** The audit trail of the whole suite: every service's own trail, read at once and merged by time. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  @RolesOf(AuditRpc.incident)
  @ApiOperation({
    summary: 'Read the audit trail across every service, newest first, a page at a time.',
    description:
      'Every change any service made, with who made it (`actorId`: a user’s `sub`, `api-key:<keyId>` for an API key, `system`), when, the fields it changed and the correlation id of the request behind it. ' +
      'Filters combine (AND): `record` one record’s id, `actor` one actor exactly, `type` one record type, `from` (inclusive) and `to` (exclusive) the period. ' +
      'Entries come newest first, ties of time broken by service name and then entry number. `nextCursor` carries each service’s place in its own trail; a cursor that was altered is refused with 400 `INVALID_CURSOR`. ' +
      'A page is never partial: when a service does not answer the request fails with 503 (or 504 when it did not answer in time), naming the services in `services`; retry later. Admins and auditors only.',
  })
  @ApiOkResponse({ type: AuditPage, description: 'A page of the merged trail; `nextCursor` is null once every service’s trail was read to its end.', example: EXAMPLE_PAGE })
  @ApiProblemResponses(400, 401, 403, 429, 500)
  @ApiProblemResponsesNamingServices()
  list(@Query() query: AuditQuery): Promise<AuditPage> {
    return this.trail.list(query);
  }
}

/** 503 and 504 of the audit trail: the problem names in `services` the services that did not answer. */
function ApiProblemResponsesNamingServices(): MethodDecorator {
  const naming = (status: number, description: string) => ApiResponse({ status, description, content: problemResponse(status).content });
  return applyDecorators(
    naming(503, 'A service is not answering: no page is given rather than one without its entries. `services` names those that did not answer.'),
    naming(504, 'A service did not answer in time: no page is given rather than one without its entries. `services` names every service that did not answer.'),
  );
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@itsm/contracts';
import { Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ReportIndex } from './report-index.dto';
import { ReportIndexService } from './report-index.service';

/** `GET /v1/reports`: what reports there are, for whoever reads them. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportIndexController {
  constructor(private readonly index: ReportIndexService) {}

  @Get()
  @Roles(Role.Manager, Role.Admin, Role.Auditor)
  @ApiOperation({
    summary: 'Every report of the suite: its name, path, summary, query parameters and formats.',
    description:
      'Read from the report routes themselves, so it lists each route under `/v1/reports/` that the OpenAPI document has, by path. ' +
      'Each report says which roles it needs in its own operation; they need not be those of the index.',
  })
  @ApiOkResponse({ type: ReportIndex, description: 'The report routes, by path.' })
  @ApiProblemResponses(400, 401, 403, 500)
  list(): ReportIndex {
    return { items: this.index.list() };
  }
}

import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** Impact analysis: `GET /v1/cis/{id}/impact`, `POST /v1/cis/impact`. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller()
export class ImpactController {}

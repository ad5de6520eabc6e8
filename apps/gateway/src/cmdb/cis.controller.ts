import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** `/v1/cis`, `/v1/ci-classes`, `/v1/relationships`. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller()
export class CisController {}

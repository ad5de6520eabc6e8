import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** `/v1/cmdb/imports`, `/v1/cmdb/imports/kubernetes`, `/v1/cmdb/reconciliation-rules`. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller()
export class ImportsController {}

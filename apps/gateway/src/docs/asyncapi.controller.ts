import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { buildAsyncApiDocument } from '@itsm/contracts';
import { Public } from '../auth/auth.decorators';

/** The AsyncAPI document of the suite's events and RPC, built from the declarations in the contracts. */
@ApiExcludeController()
@Public()
@Controller()
export class AsyncApiController {
  private document: unknown;

  @Get('asyncapi.json')
  asyncapi(): unknown {
    this.document ??= buildAsyncApiDocument();
    return this.document;
  }
}

import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ContactDto, ContactSubRequest, ContactView, NotificationRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

const SUB_PARAM = { name: 'sub', description: 'The person’s `sub` (as in their token).', example: 'alice' };

/**
 * The contacts directory of notifications: `/v1/notifications/contacts/{sub}`. It turns the `caller`, `assignee`
 * and `assignment_group` recipients of email subscriptions into addresses.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications/contacts')
export class ContactsController {
  constructor(private readonly rpc: RpcClient) {}

  @Put(':sub')
  @RolesOf(NotificationRpc.putContact)
  @ApiOperation({
    summary: 'Set the email address, name and groups of a person (admins).',
    description: 'Creates the contact or replaces it entirely (a field left out is cleared). `groups` are the assignment groups whose emails the person gets.',
  })
  @ApiParam(SUB_PARAM)
  @ApiBody({ type: ContactDto, examples: { agent: { summary: 'An agent of the network team', value: { email: 'alice@example.com', name: 'Alice Smith', groups: ['network'] } } } })
  @ApiOkResponse({ description: 'The contact as stored.', type: ContactView })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  put(@Param() params: ContactSubRequest, @Body() body: ContactDto): Promise<ContactView> {
    return this.rpc.call(NotificationRpc.putContact, { ...body, sub: params.sub });
  }

  @Get(':sub')
  @RolesOf(NotificationRpc.getContact)
  @ApiOperation({
    summary: 'Read a person’s contact.',
    description: 'Answers the contact stored for this person (the e-mail address notifications are sent to, name and groups); 404 when none is stored.',
  })
  @ApiParam(SUB_PARAM)
  @ApiOkResponse({ type: ContactView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  get(@Param() params: ContactSubRequest): Promise<ContactView> {
    return this.rpc.call(NotificationRpc.getContact, { sub: params.sub });
  }
}

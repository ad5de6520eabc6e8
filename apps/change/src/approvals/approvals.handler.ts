import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ChangeRpc, type ChangeView, type ChangeVoteRequest, type DelegateApprovalRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ApprovalsService } from './approvals.service';

/** NATS RPC of approvals: each handler maps the request to one use case. */
@Controller()
export class ApprovalsHandler {
  constructor(private readonly approvals: ApprovalsService) {}

  @RpcHandler(ChangeRpc.vote)
  vote(@Payload() request: ChangeVoteRequest): Promise<ChangeView> {
    return this.approvals.vote(request, currentActor());
  }

  @RpcHandler(ChangeRpc.delegate)
  delegate(@Payload() request: DelegateApprovalRequest): Promise<ChangeView> {
    return this.approvals.delegate(request, currentActor());
  }
}

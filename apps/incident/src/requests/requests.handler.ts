import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AddFulfillmentTaskCommand,
  type AddRequestCommentCommand,
  ApprovalDecision,
  type ApprovalDecisionCommand,
  type CompleteFulfillmentTaskCommand,
  type GetServiceRequestQuery,
  type ListRequestCommentsQuery,
  type ListServiceRequestsQuery,
  type RequestCommentPage,
  type RequestCommentView,
  RequestRpc,
  type RequestTransitionCommand,
  type ServiceRequestPage,
  type ServiceRequestView,
  type SubmitServiceRequestCommand,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { RequestsService } from './requests.service';

@Controller()
export class RequestsHandler {
  constructor(private readonly requests: RequestsService) {}

  @RpcHandler(RequestRpc.submit)
  submit(@Payload() command: SubmitServiceRequestCommand): Promise<ServiceRequestView> {
    return this.requests.submit(command, currentActor());
  }

  @RpcHandler(RequestRpc.get)
  get(@Payload() query: GetServiceRequestQuery): Promise<ServiceRequestView> {
    return this.requests.get(query.id, currentActor());
  }

  @RpcHandler(RequestRpc.list)
  list(@Payload() query: ListServiceRequestsQuery): Promise<ServiceRequestPage> {
    return this.requests.list(query, currentActor());
  }

  @RpcHandler(RequestRpc.transition)
  transition(@Payload() command: RequestTransitionCommand): Promise<ServiceRequestView> {
    return this.requests.transition(command, currentActor());
  }

  @RpcHandler(RequestRpc.approve)
  approve(@Payload() command: ApprovalDecisionCommand): Promise<ServiceRequestView> {
    return this.requests.decide(command, ApprovalDecision.Approved, currentActor());
  }

  @RpcHandler(RequestRpc.reject)
  reject(@Payload() command: ApprovalDecisionCommand): Promise<ServiceRequestView> {
    return this.requests.decide(command, ApprovalDecision.Rejected, currentActor());
  }

  @RpcHandler(RequestRpc.addTask)
  addTask(@Payload() command: AddFulfillmentTaskCommand): Promise<ServiceRequestView> {
    return this.requests.addTask(command, currentActor());
  }

  @RpcHandler(RequestRpc.completeTask)
  completeTask(@Payload() command: CompleteFulfillmentTaskCommand): Promise<ServiceRequestView> {
    return this.requests.completeTask(command, currentActor());
  }

  @RpcHandler(RequestRpc.addComment)
  addComment(@Payload() command: AddRequestCommentCommand): Promise<RequestCommentView> {
    return this.requests.addComment(command, currentActor());
  }

  @RpcHandler(RequestRpc.listComments)
  listComments(@Payload() query: ListRequestCommentsQuery): Promise<RequestCommentPage> {
    return this.requests.listComments(query, currentActor());
  }
}

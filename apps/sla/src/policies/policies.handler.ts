import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CreatePolicyDto, type ListPoliciesRequest, type PolicyIdRequest, type PolicyList, type PolicyView, SlaRpc, type UpdatePolicyRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { PoliciesService } from './policies.service';

/** NATS RPC of SLA and OLA policies. */
@Controller()
export class PoliciesHandler {
  constructor(private readonly policies: PoliciesService) {}

  @RpcHandler(SlaRpc.listPolicies)
  list(@Payload() request: ListPoliciesRequest): Promise<PolicyList> {
    return this.policies.list(request);
  }

  @RpcHandler(SlaRpc.getPolicy)
  get(@Payload() request: PolicyIdRequest): Promise<PolicyView> {
    return this.policies.get(request.id);
  }

  @RpcHandler(SlaRpc.createPolicy)
  create(@Payload() request: CreatePolicyDto): Promise<PolicyView> {
    return this.policies.create(request, currentActor());
  }

  @RpcHandler(SlaRpc.updatePolicy)
  update(@Payload() request: UpdatePolicyRequest): Promise<PolicyView> {
    return this.policies.update(request, currentActor());
  }
}

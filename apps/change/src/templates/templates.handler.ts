import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type ChangeTemplateIdRequest,
  type ChangeTemplateList,
  type ChangeTemplateView,
  ChangeRpc,
  type CreateChangeTemplateRequest,
  type ListChangeTemplatesRequest,
  type UpdateChangeTemplateRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { TemplatesService } from './templates.service';

/** NATS RPC of the standard change templates: each handler maps the request to one use case. */
@Controller()
export class TemplatesHandler {
  constructor(private readonly templates: TemplatesService) {}

  @RpcHandler(ChangeRpc.listTemplates)
  list(@Payload() request: ListChangeTemplatesRequest): Promise<ChangeTemplateList> {
    return this.templates.list(request);
  }

  @RpcHandler(ChangeRpc.getTemplate)
  get(@Payload() request: ChangeTemplateIdRequest): Promise<ChangeTemplateView> {
    return this.templates.get(request.id);
  }

  @RpcHandler(ChangeRpc.createTemplate)
  create(@Payload() request: CreateChangeTemplateRequest): Promise<ChangeTemplateView> {
    return this.templates.create(request, currentActor());
  }

  @RpcHandler(ChangeRpc.updateTemplate)
  update(@Payload() request: UpdateChangeTemplateRequest): Promise<ChangeTemplateView> {
    return this.templates.update(request, currentActor());
  }

  @RpcHandler(ChangeRpc.deleteTemplate)
  delete(@Payload() request: ChangeTemplateIdRequest): Promise<ChangeTemplateView> {
    return this.templates.delete(request.id, currentActor());
  }
}

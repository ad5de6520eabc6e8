import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CiClassList, type CiClassNameRequest, type CiClassView, CmdbRpc, type CreateCiClassDto, type ListCiClassesRequest, type UpdateCiClassRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ClassesService } from './classes.service';

/** NATS RPC of CI classes. */
@Controller()
export class ClassesHandler {
  constructor(private readonly classes: ClassesService) {}

  @RpcHandler(CmdbRpc.listClasses)
  list(@Payload() request: ListCiClassesRequest): Promise<CiClassList> {
    return this.classes.list(request);
  }

  @RpcHandler(CmdbRpc.getClass)
  get(@Payload() request: CiClassNameRequest): Promise<CiClassView> {
    return this.classes.get(request.name);
  }

  @RpcHandler(CmdbRpc.createClass)
  create(@Payload() request: CreateCiClassDto): Promise<CiClassView> {
    return this.classes.create(request, currentActor());
  }

  @RpcHandler(CmdbRpc.updateClass)
  update(@Payload() request: UpdateCiClassRequest): Promise<CiClassView> {
    return this.classes.update(request, currentActor());
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CatalogItemPage,
  CatalogRpc,
  type CatalogItemView,
  type CreateCatalogItemDto,
  type GetCatalogItemQuery,
  type ListCatalogItemsQuery,
  type RetireCatalogItemCommand,
  type UpdateCatalogItemCommand,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CatalogService } from './catalog.service';

@Controller()
export class CatalogHandler {
  constructor(private readonly catalog: CatalogService) {}

  @RpcHandler(CatalogRpc.create)
  create(@Payload() input: CreateCatalogItemDto): Promise<CatalogItemView> {
    return this.catalog.create(input, currentActor());
  }

  @RpcHandler(CatalogRpc.update)
  update(@Payload() command: UpdateCatalogItemCommand): Promise<CatalogItemView> {
    return this.catalog.update(command, currentActor());
  }

  @RpcHandler(CatalogRpc.retire)
  retire(@Payload() command: RetireCatalogItemCommand): Promise<CatalogItemView> {
    return this.catalog.retire(command, currentActor());
  }

  @RpcHandler(CatalogRpc.get)
  get(@Payload() query: GetCatalogItemQuery): Promise<CatalogItemView> {
    return this.catalog.get(query.id, currentActor());
  }

  @RpcHandler(CatalogRpc.list)
  list(@Payload() query: ListCatalogItemsQuery): Promise<CatalogItemPage> {
    return this.catalog.list(query, currentActor());
  }
}

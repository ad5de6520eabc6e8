import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type BlackoutWindowList,
  type BlackoutWindowView,
  ChangeRpc,
  type ChangeWindowIdRequest,
  type CreateBlackoutWindowRequest,
  type CreateMaintenanceWindowRequest,
  type ListBlackoutWindowsRequest,
  type ListMaintenanceWindowsRequest,
  type MaintenanceWindowList,
  type MaintenanceWindowView,
  type UpdateBlackoutWindowRequest,
  type UpdateMaintenanceWindowRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { BlackoutsService } from './blackouts.service';
import { MaintenanceWindowsService } from './maintenance-windows.service';

/** NATS RPC of the blackout and maintenance windows: each handler maps the request to one use case. */
@Controller()
export class WindowsHandler {
  constructor(
    private readonly blackouts: BlackoutsService,
    private readonly maintenance: MaintenanceWindowsService,
  ) {}

  @RpcHandler(ChangeRpc.listBlackouts)
  listBlackouts(@Payload() request: ListBlackoutWindowsRequest): Promise<BlackoutWindowList> {
    return this.blackouts.list(request);
  }

  @RpcHandler(ChangeRpc.getBlackout)
  getBlackout(@Payload() request: ChangeWindowIdRequest): Promise<BlackoutWindowView> {
    return this.blackouts.get(request.id);
  }

  @RpcHandler(ChangeRpc.createBlackout)
  createBlackout(@Payload() request: CreateBlackoutWindowRequest): Promise<BlackoutWindowView> {
    return this.blackouts.create(request, currentActor());
  }

  @RpcHandler(ChangeRpc.updateBlackout)
  updateBlackout(@Payload() request: UpdateBlackoutWindowRequest): Promise<BlackoutWindowView> {
    return this.blackouts.update(request, currentActor());
  }

  @RpcHandler(ChangeRpc.deleteBlackout)
  deleteBlackout(@Payload() request: ChangeWindowIdRequest): Promise<BlackoutWindowView> {
    return this.blackouts.delete(request.id, currentActor());
  }

  @RpcHandler(ChangeRpc.listMaintenanceWindows)
  listMaintenanceWindows(@Payload() request: ListMaintenanceWindowsRequest): Promise<MaintenanceWindowList> {
    return this.maintenance.list(request);
  }

  @RpcHandler(ChangeRpc.getMaintenanceWindow)
  getMaintenanceWindow(@Payload() request: ChangeWindowIdRequest): Promise<MaintenanceWindowView> {
    return this.maintenance.get(request.id);
  }

  @RpcHandler(ChangeRpc.createMaintenanceWindow)
  createMaintenanceWindow(@Payload() request: CreateMaintenanceWindowRequest): Promise<MaintenanceWindowView> {
    return this.maintenance.create(request, currentActor());
  }

  @RpcHandler(ChangeRpc.updateMaintenanceWindow)
  updateMaintenanceWindow(@Payload() request: UpdateMaintenanceWindowRequest): Promise<MaintenanceWindowView> {
    return this.maintenance.update(request, currentActor());
  }

  @RpcHandler(ChangeRpc.deleteMaintenanceWindow)
  deleteMaintenanceWindow(@Payload() request: ChangeWindowIdRequest): Promise<MaintenanceWindowView> {
    return this.maintenance.delete(request.id, currentActor());
  }
}

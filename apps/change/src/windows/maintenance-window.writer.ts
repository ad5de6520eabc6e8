import { Injectable } from '@nestjs/common';
import { ChangeError, ChangeErrorCode, type MaintenanceWindowView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { MaintenanceWindow, toMaintenanceWindowView } from './maintenance-window.entity';

export function maintenanceWindowNotFound(id: string): ChangeError {
  return new ChangeError(ChangeErrorCode.MaintenanceWindowNotFound, `maintenance window ${id} not found`);
}

/** Every change of a maintenance window is written here, with its audit row (windows announce no events). */
@Injectable()
export class MaintenanceWindowWriter extends RecordWriter<MaintenanceWindow, MaintenanceWindowView> {
  protected readonly entity = MaintenanceWindow;
  protected readonly entityType = 'maintenance_window';

  toView(window: MaintenanceWindow): MaintenanceWindowView {
    return toMaintenanceWindowView(window);
  }

  protected label(window: MaintenanceWindow): string {
    return `maintenance window ${window.name}`;
  }

  protected notFound(id: string): ChangeError {
    return maintenanceWindowNotFound(id);
  }
}

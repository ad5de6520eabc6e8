import { Module } from '@nestjs/common';
import { BlackoutWindowWriter } from './blackout-window.writer';
import { BlackoutsService } from './blackouts.service';
import { MaintenanceWindowWriter } from './maintenance-window.writer';
import { MaintenanceWindowsService } from './maintenance-windows.service';
import { WindowsHandler } from './windows.handler';

/** Blackout and maintenance windows: the freezes and the slots the schedule check holds changes against. */
@Module({
  controllers: [WindowsHandler],
  providers: [BlackoutWindowWriter, MaintenanceWindowWriter, BlackoutsService, MaintenanceWindowsService],
})
export class WindowsModule {}

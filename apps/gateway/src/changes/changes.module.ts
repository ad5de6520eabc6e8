import { Module } from '@nestjs/common';
import { BlackoutWindowsController } from './blackout-windows.controller';
import { ChangeCalendarController } from './change-calendar.controller';
import { ChangeReportsController } from './change-reports.controller';
import { ChangeTemplatesController } from './change-templates.controller';
import { ChangesController } from './changes.controller';
import { MaintenanceWindowsController } from './maintenance-windows.controller';
import { ReleasesController } from './releases.controller';

// The controllers of fixed paths under `/changes` first: their routes are registered before `/changes/:id` could claim them.
@Module({
  controllers: [
    ChangeCalendarController,
    ChangeTemplatesController,
    BlackoutWindowsController,
    MaintenanceWindowsController,
    ChangesController,
    ReleasesController,
    ChangeReportsController,
  ],
})
export class ChangesModule {}

import { Module } from '@nestjs/common';
import { ReportsHandler } from './reports.handler';
import { ReportsService } from './reports.service';

/** Service-desk reports: incident volume, backlog, response and resolution times, first-contact resolution, reassignments, reopens; request fulfilment. */
@Module({
  controllers: [ReportsHandler],
  providers: [ReportsService],
})
export class ReportsModule {}

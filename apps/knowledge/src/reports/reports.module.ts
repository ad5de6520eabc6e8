import { Module } from '@nestjs/common';
import { ReportsHandler } from './reports.handler';
import { ReportsService } from './reports.service';

/** Knowledge reports: low helpfulness, viewed but never linked. */
@Module({
  controllers: [ReportsHandler],
  providers: [ReportsService],
})
export class ReportsModule {}

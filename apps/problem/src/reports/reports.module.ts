import { Module } from '@nestjs/common';
import { ReportsHandler } from './reports.handler';
import { ReportsService } from './reports.service';

/** Trends of problem management: recurring incidents, incidents per problem, time to root cause, known errors in use, candidates. */
@Module({
  controllers: [ReportsHandler],
  providers: [ReportsService],
})
export class ReportsModule {}

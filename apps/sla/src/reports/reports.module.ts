import { Module } from '@nestjs/common';
import { ClocksModule } from '../clocks/clocks.module';
import { ReportsHandler } from './reports.handler';
import { ReportsService } from './reports.service';

/** Compliance, MTTA/MTTR and breaches over a period, from the clocks. */
@Module({
  imports: [ClocksModule],
  controllers: [ReportsHandler],
  providers: [ReportsService],
})
export class ReportsModule {}

import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ReportIndexController } from './report-index.controller';
import { ReportIndexService } from './report-index.service';
import { ServiceDeskReportsController } from './service-desk-reports.controller';

/** Reports across services. */
@Module({ imports: [DiscoveryModule], controllers: [ReportIndexController, ServiceDeskReportsController], providers: [ReportIndexService] })
export class ReportsModule {}

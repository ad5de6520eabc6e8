import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { CalendarsController } from './calendars.controller';
import { ClocksController } from './clocks.controller';
import { PoliciesController } from './policies.controller';
import { SlaReportsController } from './sla-reports.controller';
import { acceptTextCalendar } from './text-calendar';

/** `/v1/sla/...` and `/v1/reports/sla/...`; each route maps to an RPC of the sla service. */
@Module({ controllers: [CalendarsController, PoliciesController, ClocksController, SlaReportsController] })
export class SlaModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // Holiday files may come as they are, on the import route (the others take JSON only and answer 415).
  onModuleInit(): void {
    acceptTextCalendar(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}

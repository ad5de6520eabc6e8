import { Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller';
import { RoutingRulesController } from './routing-rules.controller';

@Module({ controllers: [IncidentsController, RoutingRulesController] })
export class IncidentsModule {}

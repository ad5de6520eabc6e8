import { Module } from '@nestjs/common';
import { RoutingRuleWriter } from './routing-rule.writer';
import { RoutingRulesHandler } from './routing-rules.handler';
import { RoutingRulesService } from './routing-rules.service';

/** Routing rules: kept by managers, applied to new incidents opened without a group. */
@Module({
  controllers: [RoutingRulesHandler],
  providers: [RoutingRuleWriter, RoutingRulesService],
  exports: [RoutingRulesService],
})
export class RoutingModule {}

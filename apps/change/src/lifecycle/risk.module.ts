import { Module } from '@nestjs/common';
import { ChangeRiskService } from './risk.service';

/**
 * Risk assessment on its own, without the change writer: the lifecycle assesses on the move to assess, and the
 * changes feature reassesses when the CIs or the window of a change change.
 */
@Module({
  providers: [ChangeRiskService],
  exports: [ChangeRiskService],
})
export class RiskModule {}

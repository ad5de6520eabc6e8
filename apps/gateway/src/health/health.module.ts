import { Module } from '@nestjs/common';
import { GatewayReadiness } from './gateway-readiness';
import { HealthController } from './health.controller';

@Module({
  controllers: [HealthController],
  providers: [GatewayReadiness],
  exports: [GatewayReadiness],
})
export class HealthModule {}

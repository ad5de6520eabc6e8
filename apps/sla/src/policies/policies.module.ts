import { Module } from '@nestjs/common';
import { PoliciesHandler } from './policies.handler';
import { PoliciesService } from './policies.service';
import { PolicyRegistry } from './policy-registry';
import { PolicyWriter } from './policy.writer';

/** SLA and OLA policies; the clocks read them through the registry. */
@Module({
  controllers: [PoliciesHandler],
  providers: [PolicyRegistry, PolicyWriter, PoliciesService],
  exports: [PolicyRegistry],
})
export class PoliciesModule {}

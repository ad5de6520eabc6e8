import { Module } from '@nestjs/common';
import { ImpactHandler } from './impact.handler';
import { ImpactRepository } from './impact.repository';
import { ImpactService } from './impact.service';

/** Impact analysis: what relies on a set of CIs (upstream) or what they rely on (downstream). */
@Module({
  controllers: [ImpactHandler],
  providers: [ImpactService, ImpactRepository],
})
export class ImpactModule {}

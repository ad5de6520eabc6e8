import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module';
import { ReleaseWriter } from './release.writer';
import { ReleasesHandler } from './releases.handler';
import { ReleasesRepository } from './releases.repository';
import { ReleasesService } from './releases.service';

/** Releases: changes deployed together, their stages and their gate (each change's, from the schedule). */
@Module({
  imports: [ScheduleModule],
  controllers: [ReleasesHandler],
  providers: [ReleaseWriter, ReleasesService, ReleasesRepository],
  exports: [ReleaseWriter],
})
export class ReleasesModule {}

import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { AutoCloseJob } from './auto-close.job';
import { TransitionsHandler } from './transitions.handler';
import { TransitionsService } from './transitions.service';

/** The incident lifecycle: state transitions, merging duplicates, resolving children with their parent, auto-close. */
@Module({
  imports: [IncidentsModule],
  controllers: [TransitionsHandler],
  providers: [TransitionsService, AutoCloseJob],
  exports: [TransitionsService],
})
export class LifecycleModule {}

import { Module } from '@nestjs/common';
import { KnownErrorsModule } from '../known-errors/known-errors.module';
import { LinksModule } from '../links/links.module';
import { ProblemsModule } from '../problems/problems.module';
import { TransitionsHandler } from './transitions.handler';
import { TransitionsService } from './transitions.service';

/** The states of a problem and the moves between them (closing after a permanent fix retires the known error). */
@Module({
  imports: [ProblemsModule, KnownErrorsModule, LinksModule],
  controllers: [TransitionsHandler],
  providers: [TransitionsService],
})
export class LifecycleModule {}

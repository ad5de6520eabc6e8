import { Module } from '@nestjs/common';
import { ProblemsModule } from '../problems/problems.module';
import { KnownErrorWriter } from './known-error.writer';
import { KnownErrorsHandler } from './known-errors.handler';
import { KnownErrorsRepository } from './known-errors.repository';
import { KnownErrorsService } from './known-errors.service';

/** Known errors: publishing, retiring and searching them. Exports the service, whose `retireWithin` the lifecycle uses when a problem closes after a permanent fix. */
@Module({
  imports: [ProblemsModule],
  controllers: [KnownErrorsHandler],
  providers: [KnownErrorWriter, KnownErrorsService, KnownErrorsRepository],
  exports: [KnownErrorsService],
})
export class KnownErrorsModule {}

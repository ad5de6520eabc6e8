import { Module } from '@nestjs/common';
import { RiskModule } from '../lifecycle/risk.module';
import { ChangeCis } from './change-cis';
import { ChangeCommentsService } from './change-comments.service';
import { ChangeWriter } from './change.writer';
import { ChangesHandler } from './changes.handler';
import { ChangesRepository } from './changes.repository';
import { ChangesService } from './changes.service';

/** Change requests: raising, reading, changing and listing them, their comments and their history. */
@Module({
  imports: [RiskModule],
  controllers: [ChangesHandler],
  providers: [ChangeWriter, ChangeCis, ChangesService, ChangeCommentsService, ChangesRepository],
  exports: [ChangeWriter, ChangeCis],
})
export class ChangesModule {}

import { Module } from '@nestjs/common';
import { ClassesModule } from '../classes/classes.module';
import { CiHistoryService } from './ci-history';
import { CiWriter } from './ci.writer';
import { CisHandler } from './cis.handler';
import { CisRepository } from './cis.repository';
import { CisService } from './cis.service';

/** CIs: their RPC, their history, and the writer every change of a CI goes through (exported for imports). */
@Module({
  imports: [ClassesModule],
  controllers: [CisHandler],
  providers: [CiWriter, CisService, CisRepository, CiHistoryService],
  exports: [CiWriter],
})
export class CisModule {}

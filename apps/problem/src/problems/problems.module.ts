import { Module } from '@nestjs/common';
import { ProblemSettings } from './problem-settings';
import { ProblemWriter } from './problem.writer';
import { ProblemsHandler } from './problems.handler';
import { ProblemsRepository } from './problems.repository';
import { ProblemsService } from './problems.service';

/** Problems: opening, reading, changing and listing problems, and their history. */
@Module({
  controllers: [ProblemsHandler],
  providers: [ProblemWriter, ProblemSettings, ProblemsService, ProblemsRepository],
  exports: [ProblemWriter, ProblemSettings],
})
export class ProblemsModule {}

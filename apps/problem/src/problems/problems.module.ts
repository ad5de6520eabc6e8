import { Module } from '@nestjs/common';
import { ProblemWriter } from './problem.writer';

/** Problems: opening, reading, changing and listing problems, and their history. */
@Module({
  providers: [ProblemWriter],
  exports: [ProblemWriter],
})
export class ProblemsModule {}

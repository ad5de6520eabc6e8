import { Module } from '@nestjs/common';

/** Problems: opening, reading, changing and listing problems, and their history. */
@Module({})
export class ProblemsModule {}

import { Module } from '@nestjs/common';

/** Trends of problem management. */
@Module({})
export class ReportsModule {}

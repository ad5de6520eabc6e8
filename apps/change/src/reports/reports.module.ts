import { Module } from '@nestjs/common';

/** Change reports: success rate, emergency ratio, changes that caused incidents. */
@Module({})
export class ReportsModule {}

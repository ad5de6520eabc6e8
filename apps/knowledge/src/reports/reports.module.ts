import { Module } from '@nestjs/common';

/** Knowledge reports: low helpfulness, viewed but never linked. */
@Module({})
export class ReportsModule {}
